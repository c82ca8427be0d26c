#!/usr/bin/env python3
"""A training step in PyTorch, for a side-by-side reading with `submit/bench train`.

Not part of the project (which never needs Python): the peer a researcher would otherwise use.
--model canonical (the default): method section 2's model (attention-only pre-LayerNorm, L=5, d=128,
4 heads, T=16, C=8, V=256), batch 128, AdamW; beside `submit/bench train`.
--model grokking: the follow-up's model as its code writes it (nn.TransformerEncoder, pre-norm,
2 layers, d 128, 4 heads, GELU MLP 256, no mask, readout at the first position, p = 97, [a, b]),
AdamW betas (0.9, 0.98), weight decay 1, gradient clipping at norm 1, batch 512; beside
`submit/bench train --config conf/grokking.yaml`.
One thread; prints the median step time and, on the canonical step's gemm shapes, the GFLOP/s of
the BLAS inside PyTorch (MKL in the CPU wheel). Last line: ms_per_step=.

  python3 submit/peer-pytorch.py [--model canonical|grokking] [--steps 100] [--warmup 20] [--threads 1]
                                 [--attention explicit|sdpa]
"""
import argparse
import platform
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, d, heads, fused):
        super().__init__()
        self.heads = heads
        self.fused = fused
        self.ln1 = nn.LayerNorm(d)
        self.wq = nn.Linear(d, d)
        self.wk = nn.Linear(d, d)
        self.wv = nn.Linear(d, d)
        self.wo = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        h = self.ln1(x)
        hd = d // self.heads
        q, k, v = (w(h).view(b, t, self.heads, hd).transpose(1, 2) for w in (self.wq, self.wk, self.wv))
        if self.fused:
            a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            # as research code usually writes it (the paper's included): scores, mask, softmax, values
            s = q @ k.transpose(-2, -1) / hd ** 0.5
            s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
            a = s.softmax(-1) @ v
        return x + self.wo(a.transpose(1, 2).reshape(b, t, d))


class Model(nn.Module):
    def __init__(self, vocab, seq_len, classes, layers, d, heads, fused):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(seq_len, d)
        self.blocks = nn.ModuleList(Block(d, heads, fused) for _ in range(layers))
        self.ln_f = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, tokens):
        x = self.tok(tokens) + self.pos.weight[: tokens.shape[1]]
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln_f(x[:, -1]))


class Encoder(nn.Module):
    """The follow-up's model: nn.TransformerEncoder over [a, b], the head reading position 0."""

    def __init__(self, p, d, heads, layers, d_mlp):
        super().__init__()
        self.tok = nn.Embedding(p, d)
        self.pos = nn.Parameter(torch.randn(2, d) / d ** 0.5)
        layer = nn.TransformerEncoderLayer(d_model=d, nhead=heads, dim_feedforward=d_mlp, dropout=0.0,
                                           activation="gelu", batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=layers)
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, p)

    def forward(self, tokens):
        h = self.encoder(self.tok(tokens) + self.pos.unsqueeze(0))
        return self.head(self.ln(h[:, 0, :]))


def gflops(m, n, k, ta, tb, reps=200):
    a = torch.randn(k, m) if ta else torch.randn(m, k)
    b = torch.randn(n, k) if tb else torch.randn(k, n)
    c = torch.empty(m, n)
    fa = (lambda: a.t()) if ta else (lambda: a)
    fb = (lambda: b.t()) if tb else (lambda: b)
    for _ in range(20):
        torch.mm(fa(), fb(), out=c)
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.mm(fa(), fb(), out=c)
    return reps * 2.0 * m * n * k / (time.perf_counter() - t0) / 1e9


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--attention", choices=["explicit", "sdpa"], default="explicit",
                   help="canonical model: explicit: scores, mask, softmax, values as separate ops (default); sdpa: the fused kernel")
    p.add_argument("--model", choices=["canonical", "grokking"], default="canonical")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.model == "grokking":
        batch, seq_len, layers, d, heads, vocab, classes = 512, 2, 2, 128, 4, 97, 97
        model = Encoder(vocab, d, heads, layers, 256)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.98), weight_decay=1.0)
        clip = 1.0
    else:
        batch, seq_len, layers, d, heads, vocab, classes = 128, 16, 5, 128, 4, 256, 8
        model = Model(vocab, seq_len, classes, layers, d, heads, args.attention == "sdpa")
        opt = torch.optim.AdamW(model.parameters(), lr=3e-4, weight_decay=0.01)
        clip = None
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    print(f"cpu: {cpu}")
    print(f"torch {torch.__version__}, model {args.model}, threads {torch.get_num_threads()}, attention {args.attention}, BLAS: "
          + ("MKL" if torch.backends.mkl.is_available() else "not MKL"))
    times = []
    for s in range(args.warmup + args.steps):
        tokens = torch.randint(0, vocab, (batch, seq_len))
        labels = torch.randint(0, classes, (batch,))
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(tokens), labels)
        loss.backward()
        if clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        if s >= args.warmup:
            times.append((time.perf_counter() - t0) * 1e3)
    rows = batch * seq_len
    print("gemm on the step's shapes, GFLOP/s (torch.mm):")
    for label, m, n, k, ta, tb in (("NN", rows, d, d, False, False), ("TN", d, d, rows, True, False), ("NT", rows, d, d, False, True)):
        print(f"  {label} {m}x{n}x{k}: {gflops(m, n, k, ta, tb):.1f}")
    median = statistics.median(times)
    print(f"step time: median {median:.2f} ms, min {min(times):.2f} ms, max {max(times):.2f} ms over {len(times)} steps")
    print(f"ms_per_step={median:.2f}")


if __name__ == "__main__":
    main()
