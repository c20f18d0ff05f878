#!/usr/bin/env python3
"""PyTorch's quality-under-a-budget reference (../shared/bench/quality/rnnlm_quality.py) on WikiText-2.

The reference script knows PTB and Tiny Shakespeare; WikiText-2 has PTB's format (one sentence or paragraph
per line, <unk> already in the text, <eos> at the end of every line, blank lines included), so this wrapper
imports the reference unchanged, swaps its PTB reader for one that reads wikitext-2/wiki.{train,valid,test}.tokens,
and runs it with every argument passed through (use --corpus ptb; the first JSON line names the real corpus).

    QUALITY=../shared/bench/quality /usr/bin/python3 benchmarks/torch_quality_wikitext2.py --corpus ptb \
        --data ../shared/data --opt adam --lr 0.001 --clip 0.25 --budget 900 --eval-every 300 --threads 2
"""
import json, os, sys

sys.path.insert(0, os.path.abspath(os.environ.get("QUALITY", os.path.join(os.path.dirname(__file__), "..", "..",
                                                                            "shared", "bench", "quality"))))
import rnnlm_quality as q  # noqa: E402  (sets OMP_WAIT_POLICY before importing torch)
import torch  # noqa: E402


def load_wikitext2(root):
    w2i = {}

    def tok(path):
        ids = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                for w in line.split() + ["<eos>"]:
                    if w not in w2i:
                        w2i[w] = len(w2i)
                    ids.append(w2i[w])
        return torch.tensor(ids, dtype=torch.long)

    d = os.path.join(root, "wikitext-2")
    tr = tok(os.path.join(d, "wiki.train.tokens"))
    va = tok(os.path.join(d, "wiki.valid.tokens"))
    te = tok(os.path.join(d, "wiki.test.tokens"))
    i2w = [None] * len(w2i)
    for w, i in w2i.items():
        i2w[i] = w
    return tr, va, te, i2w


if __name__ == "__main__":
    q.load_ptb = load_wikitext2
    print(json.dumps(dict(event="corpus", corpus="wikitext-2", reader=os.path.abspath(__file__))), flush=True)
    q.main()
