/** Model and checkpoint files: protobuf payload behind a validated header, atomic writes. */
package dev.recur.io;
