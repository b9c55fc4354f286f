"""PyTorch-eager peer of `sentinel bench trainer`: the same decoder (pre-norm blocks, GELU MLP,
learned positions, untied head) and the same supervised step (forward, masked NLL, backward,
AdamW) on a random batch. Prints the mean milliseconds per step on stdout.
usage: pytorch_peer.py VOCAB CONTEXT PROMPT DIM HEADS LAYERS FFN BATCH STEPS THREADS"""
import math, sys, time
import torch

vocab, context, prompt, dim, heads, layers, ffn, batch, steps, threads = map(int, sys.argv[1:11])
torch.set_num_threads(threads)
torch.manual_seed(0)


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.n1, self.n2 = torch.nn.LayerNorm(dim), torch.nn.LayerNorm(dim)
        self.qkv, self.proj = torch.nn.Linear(dim, 3 * dim), torch.nn.Linear(dim, dim)
        self.up, self.down = torch.nn.Linear(dim, ffn * dim), torch.nn.Linear(ffn * dim, dim)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.n1(x)).reshape(b, t, 3, heads, dim // heads).permute(2, 0, 3, 1, 4)
        a = torch.softmax((q / math.sqrt(dim // heads)) @ k.transpose(-1, -2) + mask, -1)
        x = x + self.proj((a @ v).transpose(1, 2).reshape(b, t, dim))
        return x + self.down(torch.nn.functional.gelu(self.up(self.n2(x))))


class Decoder(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tok, self.pos = torch.nn.Embedding(vocab, dim), torch.nn.Parameter(torch.randn(context, dim) * 0.02)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(layers))
        self.norm, self.head = torch.nn.LayerNorm(dim), torch.nn.Linear(dim, vocab)

    def forward(self, tokens):
        t = tokens.shape[1]
        mask = torch.triu(torch.full((t, t), -1e9), 1)
        x = self.tok(tokens) + self.pos[:t]
        for blk in self.blocks:
            x = blk(x, mask)
        return self.head(self.norm(x))


model = Decoder()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
tokens = torch.randint(2, vocab, (batch, context))
weights = torch.ones(batch, context - prompt)


def step():
    logp = torch.log_softmax(model(tokens[:, :-1])[:, prompt - 1:], -1).gather(-1, tokens[:, prompt:, None]).squeeze(-1)
    loss = -(logp * weights).sum() / weights.sum()
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


for _ in range(5):
    step()
start = time.perf_counter()
for _ in range(steps):
    step()
print((time.perf_counter() - start) * 1000 / steps)
