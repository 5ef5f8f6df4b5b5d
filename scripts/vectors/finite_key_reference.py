#!/usr/bin/env python3
"""Reference values for tests/amplify/test_finite_key.cpp, at 40 significant digits (mpmath).

The worked examples are those of shared/notes/finite_key.md §4-5 (scripts/finite_key_examples.py),
recomputed in high precision so that the tests can check every intermediate term, not only the
floor. Formulas:
  (a) Tomamichel, Lim, Gisin, Renner, Nat. Commun. 3:634 (2012), Eq. (2), both readings of mu.
  (b) Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014), Eqs. (1)-(5), "log 2" in gamma = ln 2,
      vacuum bound as printed and clamped at zero.
  (c) the generic leftover-hash form (TLGR12 Eqs. S2, S6).
qkdnq takes leak_EC as a counted integer, so (b) is also given with ceil(lambda_EC).
Needs python3-mpmath (Debian package).
"""
from mpmath import mp, mpf, sqrt, log, exp, ceil

mp.dps = 40


def log2(x):
    return log(x, 2)


def h(x):
    x = mpf(x)
    if x <= 0 or x >= 1:
        return mpf(0)
    return -x * log2(x) - (1 - x) * log2(1 - x)


def hbar(x):
    return mpf(1) if x >= mpf(1) / 2 else h(x)


def show(name, value):
    print(f"{name:32s} {mp.nstr(value, 20)}")


es = ec = mpf("1e-10")

# (a) n = 10^6, k = 10^5, Q_tol = 0.02, q = 1, leak_EC = ceil(1.1 n h(0.02)).
n, k, Q = mpf(10**6), mpf(10**5), mpf("0.02")
show("h(0.02)", h(Q))
leak = ceil(mpf("1.1") * n * h(Q))
show("(a) leak", leak)
verification = log2(2 / ec)
for c in (4, 2):
    mu = sqrt((n + k) / (n * k) * (k + 1) / k * log(c / es))
    hmin = n * (1 - hbar(Q + mu))
    pa = 2 * log2(1 / es)
    show(f"(a) ln({c}/eps) mu", mu)
    show(f"(a) ln({c}/eps) h(Q+mu)", hbar(Q + mu))
    show(f"(a) ln({c}/eps) min_entropy", hmin)
    show(f"(a) ln({c}/eps) bound", hmin - leak - verification - pa)
show("(a) verification log2(2/eps)", verification)
show("(a) pa 2 log2(1/eps)", 2 * log2(1 / es))

# (b) three intensities, counts from the notes' toy channel.
mus = [mpf("0.4"), mpf("0.15"), mpf("2e-4")]
ps = [mpf("0.5"), mpf("0.25"), mpf("0.25")]
m1, m2, m3 = mus
nX, nZ = [841589, 158074, 337], [374039, 70255, 150]
mX, mZ = [16953, 3222, 67], [7535, 1432, 30]
t0 = sum(p * exp(-u) for u, p in zip(mus, ps))
t1 = sum(p * exp(-u) * u for u, p in zip(mus, ps))
show("(b) tau0", t0)
show("(b) tau1", t1)


def pm(c):
    d = sqrt(mpf(sum(c)) / 2 * log(21 / es))
    return ([exp(u) / p * (x + d) for x, u, p in zip(c, mus, ps)],
            [exp(u) / p * (x - d) for x, u, p in zip(c, mus, ps)], d)


def s0(c):
    P, M, _ = pm(c)
    return t0 * (m2 * M[2] - m3 * P[1]) / (m2 - m3)


def s1(c, z):
    P, M, _ = pm(c)
    return t1 * m1 * (M[1] - P[2] - (m2**2 - m3**2) / m1**2 * (P[0] - z / t0)) / (m1 * (m2 - m3) - m2**2 + m3**2)


def gamma(a, b, c, d):
    return sqrt((c + d) * (1 - b) * b / (c * d * log(2)) * log2((c + d) / (c * d * (1 - b) * b) * 21**2 / a**2))


lam = mpf("1.16") * sum(nX) * h(mpf(sum(mX)) / sum(nX))
show("(b) lambda_EC = 1.16 nX h(eX)", lam)
show("(b) delta n_X", pm(nX)[2])
show("(b) delta n_Z", pm(nZ)[2])
show("(b) delta m_Z", pm(mZ)[2])
show("(b) pa 6 log2(21/eps)", 6 * log2(21 / es))
for clamp in (False, True):
    tag = "clamped" if clamp else "as printed"
    sX0, sZ0 = s0(nX), s0(nZ)
    if clamp:
        sX0, sZ0 = max(sX0, 0), max(sZ0, 0)
    sX1, sZ1 = s1(nX, sX0), s1(nZ, sZ0)
    P, M, _ = pm(mZ)
    vZ1 = t1 * (P[1] - M[2]) / (m2 - m3)
    b = vZ1 / sZ1
    g = gamma(es, b, sZ1, sX1)
    phi = b + g
    hmin = sX0 + sX1 * (1 - hbar(phi))
    for name, value in (("s_x0", sX0), ("s_z0", sZ0), ("s_x1", sX1), ("s_z1", sZ1), ("v_z1", vZ1),
                        ("gamma", g), ("phi_x", phi), ("min_entropy", hmin)):
        show(f"(b) {tag} {name}", value)
    rest = verification + 6 * log2(21 / es)
    show(f"(b) {tag} bound, real lambda", hmin - lam - rest)
    show(f"(b) {tag} bound, ceil lambda", hmin - ceil(lam) - rest)

# (c) H_min = 10^6 (1 - h(0.03)), leak 155585, eps_PA = 1e-10.
H = 10**6 * (1 - h(mpf("0.03")))
pa = 2 * log2(1 / (2 * mpf("1e-10")))
show("(c) min_entropy", H)
show("(c) pa 2 log2(1/(2 eps))", pa)
show("(c) bound, tag 34 (notes)", H - 155585 - 34 - pa)
show("(c) bound, max(34, log2(2/eps))", H - 155585 - verification - pa)

# Binary entropy spot values.
for x in ("1e-20", "0.03", "0.11", "0.25"):
    show(f"h({x})", h(mpf(x)))
