#!/usr/bin/python3
"""PyTorch peer for the Java BERT benchmark: times one RECIPE or fine-tune training step on CPU.

The model is plain torch.nn and follows HuggingFace's BertForMaskedLM / BertForSequenceClassification
(post-LN BERT) module for module, with HF parameter names, so the numbers can be compared with the Java side.
See tools/bench/README.md for the FLOP convention and how to run it.
"""
import argparse, json, math, os, platform, resource, time
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIGS = {
    "mini": dict(vocab=8192, hidden=256, layers=4, heads=4, inter=1024, max_pos=512, type_vocab=2),
    "base": dict(vocab=30522, hidden=768, layers=12, heads=12, inter=3072, max_pos=512, type_vocab=2),
}
LN_EPS = 1e-12


# ---------------------------------------------------------------- model (HF module structure and names)
def holder(**children):
    """A bare nn.Module holding named submodules/parameters, so state_dict keys match HF's."""
    m = nn.Module()
    for k, v in children.items():
        setattr(m, k, v)
    return m


class SelfAttention(nn.Module):
    def __init__(self, c, p):
        super().__init__()
        h = c["hidden"]
        self.nh, self.hd = c["heads"], h // c["heads"]
        self.query, self.key, self.value = nn.Linear(h, h), nn.Linear(h, h), nn.Linear(h, h)
        self.dropout = nn.Dropout(p)

    def forward(self, x, add_mask):
        B, S, H = x.shape
        split = lambda t: t.view(B, S, self.nh, self.hd).permute(0, 2, 1, 3)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.hd) + add_mask
        probs = self.dropout(F.softmax(scores, dim=-1))
        return torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(B, S, H)


class DenseLNOut(nn.Module):
    """BertSelfOutput / BertOutput: dense, dropout, residual add, LayerNorm (post-LN)."""
    def __init__(self, d_in, h, p):
        super().__init__()
        self.dense = nn.Linear(d_in, h)
        self.LayerNorm = nn.LayerNorm(h, eps=LN_EPS)
        self.dropout = nn.Dropout(p)

    def forward(self, x, residual):
        return self.LayerNorm(self.dropout(self.dense(x)) + residual)


class Layer(nn.Module):  # BertLayer
    def __init__(self, c, p):
        super().__init__()
        self.attention = holder(self=SelfAttention(c, p), output=DenseLNOut(c["hidden"], c["hidden"], p))
        self.intermediate = holder(dense=nn.Linear(c["hidden"], c["inter"]))
        self.output = DenseLNOut(c["inter"], c["hidden"], p)

    def forward(self, x, add_mask):
        a = self.attention.output(self.attention.self(x, add_mask), x)
        return self.output(F.gelu(self.intermediate.dense(a)), a)  # exact erf GELU (HF "gelu")


class BertModel(nn.Module):
    def __init__(self, c, p, pooler):
        super().__init__()
        h = c["hidden"]
        self.embeddings = holder(word_embeddings=nn.Embedding(c["vocab"], h),
                                 position_embeddings=nn.Embedding(c["max_pos"], h),
                                 token_type_embeddings=nn.Embedding(c["type_vocab"], h),
                                 LayerNorm=nn.LayerNorm(h, eps=LN_EPS), dropout=nn.Dropout(p))
        self.encoder = holder(layer=nn.ModuleList([Layer(c, p) for _ in range(c["layers"])]))
        if pooler:
            self.pooler = holder(dense=nn.Linear(h, h))

    def forward(self, ids, attn_mask):
        e = self.embeddings
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        x = e.word_embeddings(ids) + e.token_type_embeddings(torch.zeros_like(ids)) + e.position_embeddings(pos)
        x = e.dropout(e.LayerNorm(x))
        # HF extended attention mask: 0 where attended, dtype-min where padded, added to the scores
        add_mask = (1.0 - attn_mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.encoder.layer:
            x = layer(x, add_mask)
        return x


class BertForMaskedLM(nn.Module):
    def __init__(self, c, p):
        super().__init__()
        h, v = c["hidden"], c["vocab"]
        self.bert = BertModel(c, p, pooler=False)  # HF: add_pooling_layer=False
        pred = holder(transform=holder(dense=nn.Linear(h, h), LayerNorm=nn.LayerNorm(h, eps=LN_EPS)),
                      decoder=nn.Linear(h, v, bias=False), bias=nn.Parameter(torch.zeros(v)))
        pred.decoder.weight = self.bert.embeddings.word_embeddings.weight  # tied
        pred.decoder.bias = pred.bias  # HF links decoder.bias to cls.predictions.bias
        self.cls = holder(predictions=pred)

    def head(self, x):  # BertLMPredictionHead: dense, GELU, LayerNorm, decoder
        t = self.cls.predictions.transform
        return self.cls.predictions.decoder(t.LayerNorm(F.gelu(t.dense(x))))

    def forward(self, ids, attn_mask, labels, head):
        h = self.bert(ids, attn_mask)
        if head == "all":  # HF way: logits at every position [B*S, V], CE ignores label -100
            logits = self.head(h)
            return F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), ignore_index=-100)
        sel = labels.view(-1) != -100  # optimized: run the head on the masked rows only
        return F.cross_entropy(self.head(h.reshape(-1, h.shape[-1])[sel]), labels.view(-1)[sel])


class BertForSequenceClassification(nn.Module):
    def __init__(self, c, p, num_labels):
        super().__init__()
        self.bert = BertModel(c, p, pooler=True)
        self.dropout = nn.Dropout(p)
        self.classifier = nn.Linear(c["hidden"], num_labels)

    def forward(self, ids, attn_mask, labels):
        pooled = torch.tanh(self.bert.pooler.dense(self.bert(ids, attn_mask)[:, 0]))  # BertPooler on [CLS]
        return F.cross_entropy(self.classifier(self.dropout(pooled)), labels)


def hf_init(m):  # BertPreTrainedModel._init_weights
    if isinstance(m, (nn.Linear, nn.Embedding)):
        nn.init.normal_(m.weight, std=0.02)
    if isinstance(m, nn.Linear) and m.bias is not None:
        nn.init.zeros_(m.bias)
    if isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight); nn.init.zeros_(m.bias)


# ---------------------------------------------------------------- benchmark
def step_flops(c, step, B, S, P, C=2):
    """Analytic matmul FLOPs of one training step = 3 x forward (convention shared with the Java side)."""
    T, H, Fi, L, V = B * S, c["hidden"], c["inter"], c["layers"], c["vocab"]
    fwd = L * (8 * T * H * H + 4 * B * S * S * H + 4 * T * H * Fi)
    fwd += 2 * P * H * H + 2 * P * H * V if step == "recipe" else 2 * B * H * H + 2 * B * H * C
    return 3 * fwd


def blas_info():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if any(k in os.path.basename(p) for k in ("blas", "lapack", "gomp", "iomp", "mkl")):
                libs.add(p)
    show = torch.__config__.show()
    build = next((s.strip() for s in show.split(",") if "BLAS_INFO" in s), "?")
    return {"build": build, "loaded": sorted(libs),
            "libblas.so.3": os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")}


def cpu_seconds():
    """(busy seconds of the whole machine from /proc/stat, CPU seconds of this process)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK"), r.ru_utime + r.ru_stime


def pct(xs, q):  # linear interpolation, as numpy.percentile
    xs = sorted(xs); k = (len(xs) - 1) * q / 100.0; lo = int(k); hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def allocator():
    """The allocator this process runs on, named as BenchCommand names the Java side's."""
    pre, conf = os.environ.get("LD_PRELOAD", ""), os.environ.get("MALLOC_CONF", "")
    if "jemalloc" not in pre:
        return "glibc"
    return "jemalloc " + conf if conf else "jemalloc"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", choices=CONFIGS, default="mini")
    ap.add_argument("--step", choices=["recipe", "finetune"], default="recipe")
    ap.add_argument("--head", choices=["all", "masked"], default="all", help="MLM head positions (recipe)")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seq", type=int, default=64)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=50)  # RECIPE.py seeds everything with 50
    ap.add_argument("--json", help="append one JSON line per run to this file")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    load0 = os.getloadavg()[0]  # other work on the cores skews CPU timings; recorded, not corrected
    torch.manual_seed(a.seed)
    c, B, S = CONFIGS[a.config], a.batch, a.seq
    T = B * S

    g = torch.Generator().manual_seed(a.seed)  # fixed data: the same batch and mask every step
    ids = torch.randint(1000, c["vocab"], (B, S), generator=g)
    attn = torch.ones(B, S, dtype=torch.long)  # all positions are real tokens
    if a.step == "recipe":
        M = int(round(0.15 * T))
        pos = torch.randperm(T, generator=g)[:M]
        labels = torch.full((T,), -100, dtype=torch.long)
        labels[pos] = ids.view(-1)[pos]
        labels = labels.view(B, S)
        ids = ids.clone(); ids.view(-1)[pos] = 103  # [MASK]
        model = BertForMaskedLM(c, a.dropout)
        model.apply(hf_init)
        for n, p in model.named_parameters():  # RECIPE.py: only intermediate.dense.weight trains
            p.requires_grad = "intermediate.dense.weight" in n
        inter = [l.intermediate.dense.weight for l in model.bert.encoder.layer]
        P = T if a.head == "all" else M
        loss_fn = lambda: model(ids, attn, labels, a.head) + sum(torch.norm(w) for w in inter)
    else:
        M, P = 0, 0
        labels = torch.randint(0, 2, (B,), generator=g)
        model = BertForSequenceClassification(c, a.dropout, 2)
        model.apply(hf_init)
        loss_fn = lambda: model(ids, attn, labels)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=2e-5, eps=1e-8, weight_decay=0.0)

    times, losses = [], []
    for i in range(a.warmup + a.steps):
        if i == a.warmup:
            busy0, own0, wall0 = *cpu_seconds(), time.perf_counter()
        t0 = time.perf_counter()
        loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()
        dt = time.perf_counter() - t0
        losses.append(loss.item())
        if i >= a.warmup:
            times.append(dt * 1000.0)
    busy1, own1, wall1 = *cpu_seconds(), time.perf_counter()
    # cores kept busy by OTHER processes during the timed steps: > ~0.2 means the timing is contaminated
    other_cores = max(0.0, ((busy1 - busy0) - (own1 - own0)) / (wall1 - wall0))

    med = pct(times, 50)
    gf = step_flops(c, a.step, B, S, P) / 1e9
    rec = {
        "impl": "pytorch", "torch": torch.__version__, "blas": blas_info(),
        "config": a.config, "step": a.step, "head": a.head if a.step == "recipe" else None,
        "batch": B, "seq": S, "masked_positions": M, "head_positions": P, "dropout": a.dropout,
        "threads": a.threads, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),
        "allocator": allocator(),
        "blas_coretype": os.environ.get("OPENBLAS_CORETYPE", "auto"),
        "warmup": a.warmup, "steps": a.steps,
        "median_ms": round(med, 3), "p10_ms": round(pct(times, 10), 3), "p90_ms": round(pct(times, 90), 3),
        "mean_ms": round(sum(times) / len(times), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1),
        "gflop_per_step": round(gf, 4), "achieved_gflops": round(gf / (med / 1000.0), 3),
        "trainable_params": sum(p.numel() for p in params),
        "first_loss": round(losses[0], 5), "last_loss": round(losses[-1], 5),
        "seed": a.seed, "cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
        "loadavg_1m_start": round(load0, 2), "other_busy_cores": round(other_cores, 3),
        "own_cpu_per_wall": round((own1 - own0) / (wall1 - wall0), 3), "times_ms": [round(t, 2) for t in times],
        "time_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if a.json:
        with open(a.json, "a") as f:
            f.write(json.dumps(rec) + "\n")
    print(f"pytorch {a.config} {a.step}{'/' + a.head if a.step == 'recipe' else ''} B={B} S={S} "
          f"threads={a.threads} dropout={a.dropout}: median {med:.1f} ms (p10 {rec['p10_ms']:.1f}, "
          f"p90 {rec['p90_ms']:.1f}), {gf:.2f} GFLOP/step, {rec['achieved_gflops']:.1f} GFLOP/s, "
          f"peak RSS {rec['peak_rss_mb']:.0f} MB, other-busy {other_cores:.2f} cores, loss {losses[0]:.4f} -> {losses[-1]:.4f}")


if __name__ == "__main__":
    main()
