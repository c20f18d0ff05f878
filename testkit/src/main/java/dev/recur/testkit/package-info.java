/**
 * Contract test suites for plugin authors: extend {@link dev.recur.testkit.CellContractTest},
 * {@link dev.recur.testkit.OptimizerContractTest} or {@link dev.recur.testkit.GradientClipperContractTest}.
 */
package dev.recur.testkit;
