#!/usr/bin/env python3
"""Seed corpus of fuzz_roce_engine: every IPv4 seed of the RoCEv2 parser's
corpus (tests/fuzz/corpus/roce, real Soft-RoCE frames), twice: steered to
the RC QP (first byte 0) and to the UD QP (first byte 1).

  gen_engine_corpus.py     writes tests/fuzz/corpus/roce_engine

The regress-* files there are inputs the fuzzer found (kept by hand).
"""
import glob
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "corpus", "roce")
OUT = os.path.join(HERE, "corpus", "roce_engine")

os.makedirs(OUT, exist_ok=True)
for path in sorted(glob.glob(os.path.join(SRC, "seed-v4-*"))):
    frame = open(path, "rb").read()
    name = os.path.basename(path)
    for steer in (0, 1):
        with open(os.path.join(OUT, "%s-to%d" % (name, steer)), "wb") as f:
            f.write(bytes([steer]) + frame)
