# Live native allocations by call stack from a jemalloc heap profile (jemalloc built with profiling, as Debian's is),
# symbolised with nm against the mapped libraries (jeprof cannot resolve the libraries JavaCPP unpacks):
#   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=prof:true,prof_final:true,lg_prof_sample:18,prof_prefix:/tmp/jp \
#     java ... PredictLeak fixed        # then: python3 tools/bench/jeprof_stacks.py /tmp/jp.<pid>.0.f.heap 6
import sys, re, subprocess, bisect, collections
f = sys.argv[1]
lines = open(f).read().split('\n')
maps = []
stacks = collections.Counter()
i = 0
inmaps = False
cur = None
for l in lines:
    if l.startswith('MAPPED_LIBRARIES'): inmaps = True; continue
    if inmaps:
        m = re.match(r'([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+\s+(\S+)', l)
        if m and 'x' in m.group(3): maps.append((int(m.group(1),16), int(m.group(2),16), int(m.group(4),16), m.group(5)))
        continue
    if l.startswith('@'):
        cur = tuple(int(x,16) for x in l[1:].split())
    elif cur is not None and l.strip().startswith('t*:'):
        m = re.match(r'\s*t\*: (\d+): (\d+)', l)
        stacks[cur] += int(m.group(2)); cur = None
symcache = {}
def syms(lib):
    if lib not in symcache:
        out = subprocess.run(['nm', '-D', '--defined-only', lib], capture_output=True, text=True).stdout
        out2 = subprocess.run(['nm', '--defined-only', lib], capture_output=True, text=True).stdout
        tab = []
        for o in (out + out2).split('\n'):
            p = o.split()
            if len(p) >= 3:
                try: tab.append((int(p[0],16), p[2]))
                except: pass
        tab.sort()
        symcache[lib] = tab
    return symcache[lib]
def name(a):
    for lo, hi, off, lib in maps:
        if lo <= a < hi:
            o = a - lo + off
            tab = syms(lib)
            k = bisect.bisect_right([t[0] for t in tab], o) - 1
            s = tab[k][1] if k >= 0 else '?'
            s = subprocess.run(['c++filt', s], capture_output=True, text=True).stdout.strip()
            return lib.split('/')[-1] + ':' + s[:110]
    return hex(a)
byframe = collections.Counter()
total = sum(stacks.values())
print('total MB', total/2**20)
for st, b in stacks.most_common(int(sys.argv[2]) if len(sys.argv) > 2 else 6):
    print('==== %.1f MB' % (b/2**20))
    for a in st[:14]: print('   ', name(a))
