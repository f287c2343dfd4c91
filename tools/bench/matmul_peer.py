# The PyTorch side of tools/bench/MmBench.java: x @ w.t() and its two backward products, 2 threads.
# Run: OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/bench/matmul_peer.py
import torch, time
torch.set_num_threads(2)
for r,i,o in [(2048,256,256),(2048,256,1024),(2048,1024,256)]:
    x=torch.rand(r,i); w=torch.rand(o,i); dy=torch.rand(r,o)
    for k in range(3): y=x@w.t()
    t=time.perf_counter()
    for k in range(20): y=x@w.t()
    f=(time.perf_counter()-t)/20*1e3
    t=time.perf_counter()
    for k in range(20): dx=dy@w; dw=dy.t()@x
    b=(time.perf_counter()-t)/20*1e3
    print((r,i,o), "fwd %.2f ms bwd %.2f ms"%(f,b))
