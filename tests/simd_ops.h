/* tests/simd_ops.h - included by tests/test_simd.c once per SIMD set
   (AVLOC__VSET defined): every operation of the layer against its plain-C
   meaning on AVLOC__VF_W lanes. */
#define TS_W AVLOC__VF_W
static void AVLOC__VN(ts_ops)(const char *set, const float *a, const float *b, const float *c)
{
    float o[8], r[8], ld4[64];
    int32_t oi[8];
    unsigned char u8[8];
    int i, ok, m;
    const avloc__vf va = avloc__vf_ld(a), vb = avloc__vf_ld(b), vc = avloc__vf_ld(c);
    /* arithmetic: exact (fmadd and friends unfused with AVLOC_NO_FMA) */
#define TS_EXACT(name, expr, ref)                                                     \
    avloc__vf_st(o, expr);                                                            \
    for (ok = 1, i = 0; i < TS_W; i++) ok &= o[i] == (ref);                           \
    CHECK_MSG(ok, "%s %s", set, name)
    TS_EXACT("add", avloc__vf_add(va, vb), a[i] + b[i]);
    TS_EXACT("sub", avloc__vf_sub(va, vb), a[i] - b[i]);
    TS_EXACT("mul", avloc__vf_mul(va, vb), a[i] * b[i]);
    TS_EXACT("fmadd", avloc__vf_fmadd(va, vb, vc), ts_fma(a[i], b[i], c[i]));
    TS_EXACT("fnmadd", avloc__vf_fnmadd(va, vb, vc), c[i] - ts_mul(a[i], b[i]));
    TS_EXACT("fmsub", avloc__vf_fmsub(va, vb, vc), ts_mul(a[i], b[i]) - c[i]);
    TS_EXACT("min", avloc__vf_min(va, vb), b[i] < a[i] ? b[i] : a[i]);
    TS_EXACT("max", avloc__vf_max(va, vb), b[i] > a[i] ? b[i] : a[i]);
    TS_EXACT("set1", avloc__vf_set1(a[1]), a[1]);
    TS_EXACT("zero", avloc__vf_zero(), 0.0f);
    TS_EXACT("bcast", avloc__vf_bcast(b + 2), b[2]);
    TS_EXACT("sel", avloc__vf_sel(avloc__vf_cmpgt(va, vb), va, vc), a[i] > b[i] ? a[i] : c[i]);
    TS_EXACT("and", avloc__vf_and(avloc__vf_cmpge(va, vb), vc), a[i] >= b[i] ? c[i] : 0.0f);
    TS_EXACT("andnot", avloc__vf_andnot(avloc__vf_cmple(va, vb), vc), a[i] <= b[i] ? 0.0f : c[i]);
    TS_EXACT("or", avloc__vf_or(avloc__vf_and(avloc__vf_cmpgt(va, vb), va), avloc__vf_andnot(avloc__vf_cmpgt(va, vb), vb)),
             a[i] > b[i] ? a[i] : b[i]);
    TS_EXACT("xor", avloc__vf_xor(avloc__vf_xor(va, vb), vb), a[i]);
    TS_EXACT("csign re/xorm", avloc__vf_xorm(va, avloc__vf_csign(0)), i % 2 ? a[i] : -a[i]);
    TS_EXACT("csign im/xorm", avloc__vf_xorm(va, avloc__vf_csign(1)), i % 2 ? -a[i] : a[i]);
    TS_EXACT("cswap", avloc__vf_cswap(va), a[i ^ 1]);
    TS_EXACT("cdupre", avloc__vf_cdupre(va), a[i & ~1]);
    TS_EXACT("cdupim", avloc__vf_cdupim(va), a[i | 1]);
    TS_EXACT("crev", avloc__vf_crev(va), a[(TS_W - 2 - (i & ~1)) | (i & 1)]);
    TS_EXACT("uzp0", avloc__vf_uzp0(va, vb), 2 * i < TS_W ? a[2 * i] : b[2 * i - TS_W]);
    TS_EXACT("uzp1", avloc__vf_uzp1(va, vb), 2 * i < TS_W ? a[2 * i + 1] : b[2 * i + 1 - TS_W]);
    TS_EXACT("zip0", avloc__vf_zip0(va, vb), i % 2 ? b[i / 2] : a[i / 2]);
    TS_EXACT("zip1", avloc__vf_zip1(va, vb), i % 2 ? b[(TS_W + i) / 2] : a[(TS_W + i) / 2]);
    {   /* cdeint: the real parts of a:b in re, the imaginary in im (same lane
           order), and cint undoes it */
        avloc__vf re, im, ra, rb;
        float r[TS_W], m[TS_W];
        int okc = 1, j;
        avloc__vf_cdeint(va, vb, &re, &im);
        avloc__vf_st(r, re);
        avloc__vf_st(m, im);
        for (i = 0; i < TS_W; i++) {
            int hit = 0; /* r[i], m[i] are one complex value of a:b */
            for (j = 0; j < TS_W; j += 2) {
                hit |= r[i] == a[j] && m[i] == a[j + 1];
                hit |= r[i] == b[j] && m[i] == b[j + 1];
            }
            okc &= hit;
        }
        avloc__vf_cint(re, im, &ra, &rb);
        avloc__vf_st(r, ra);
        avloc__vf_st(m, rb);
        for (i = 0; i < TS_W; i++) okc &= r[i] == a[i] && m[i] == b[i];
        CHECK_MSG(okc, "%s cdeint/cint", set);
    }
    /* division: IEEE where the set has it; ARMv7 NEON: reciprocal + Newton */
    avloc__vf_st(o, avloc__vf_div(va, vb));
    for (ok = 1, i = 0; i < TS_W; i++) ok &= fabs(o[i] - a[i] / b[i]) <= 4e-7 * fabs(a[i] / b[i]);
    CHECK_MSG(ok, "%s div", set);
    /* estimates: at least 12 bits */
    avloc__vf_st(o, avloc__vf_rcp(avloc__vf_add(avloc__vf_mul(vb, vb), avloc__vf_set1(0.5f))));
    for (ok = 1, i = 0; i < TS_W; i++) ok &= fabs(o[i] * (b[i] * b[i] + 0.5f) - 1.0) <= 3.7e-4;
    CHECK_MSG(ok, "%s rcp", set);
    avloc__vf_st(o, avloc__vf_rsqrt(avloc__vf_add(avloc__vf_mul(vb, vb), avloc__vf_set1(0.5f))));
    for (ok = 1, i = 0; i < TS_W; i++) ok &= fabs(o[i] * sqrt(b[i] * b[i] + 0.5) - 1.0) <= 3.7e-4;
    CHECK_MSG(ok, "%s rsqrt", set);
    /* reductions and masks */
    for (r[0] = 0.0f, r[1] = a[0], i = 0; i < TS_W; i++) { r[0] += a[i]; r[1] = a[i] > r[1] ? a[i] : r[1]; }
    CHECK_MSG(fabs(avloc__vf_hsum(va) - r[0]) <= 1e-5f * TS_W, "%s hsum", set);
    CHECK_MSG(avloc__vf_hmax(va) == r[1], "%s hmax", set);
    for (m = 0, i = 0; i < TS_W; i++) m |= (a[i] > b[i]) << i;
    CHECK_MSG(avloc__vf_movemask(avloc__vf_cmpgt(va, vb)) == m, "%s movemask", set);
    for (i = 0; i < 8; i++) u8[i] = (unsigned char)(i % 3 == 0 ? 0 : 17 * i);
    avloc__vf_st(o, avloc__vf_and(avloc__vf_mask_u8(u8), va));
    for (ok = 1, i = 0; i < TS_W; i++) ok &= o[i] == (u8[i] ? a[i] : 0.0f);
    CHECK_MSG(ok, "%s mask_u8", set);
    memset(u8, 7, sizeof u8);
    avloc__vf_st_u8(u8, avloc__vf_cmpgt(va, vb));
    for (ok = 1, i = 0; i < 8; i++) ok &= u8[i] == (i < TS_W ? (unsigned char)(a[i] > b[i]) : 7);
    CHECK_MSG(ok, "%s st_u8", set);
    for (i = 0; i < 64; i++) ld4[i] = (float)i;
    {
        avloc__vf col[4];
        int q;
        avloc__vf_ld4t(ld4, 4, col);
        for (ok = 1, q = 0; q < 4; q++) {
            avloc__vf_st(o, col[q]);
            for (i = 0; i < TS_W; i++) ok &= o[i] == ld4[2 * (4 * (i / 2) + q) + (i & 1)];
        }
        CHECK_MSG(ok, "%s ld4t", set);
    }
    /* integer lanes on the bits */
    {
        const avloc__vi ua = avloc__vf_asvi(va);
        avloc__vf_st(o, avloc__vi_asvf(avloc__vi_or(avloc__vi_and(ua, avloc__vi_set1(0x007fffff)), avloc__vi_set1(0x3f800000))));
        for (ok = 1, i = 0; i < TS_W; i++) ok &= (avloc__f2i_bits(o[i]) ^ 0x3f800000) == (avloc__f2i_bits(a[i]) & 0x007fffff);
        CHECK_MSG(ok, "%s vi and/or", set);
        avloc__vf_st(o, avloc__vi_tovf(avloc__vi_sub(avloc__vi_add(avloc__vi_srl(ua, 23), avloc__vi_set1(3)), avloc__vi_set1(130))));
        for (ok = 1, i = 0; i < TS_W; i++) ok &= o[i] == (float)((int32_t)((uint32_t)avloc__f2i_bits(a[i]) >> 23) - 127);
        CHECK_MSG(ok, "%s vi srl/add/sub/tovf", set);
        avloc__vf_st(o, avloc__vi_asvf(avloc__vi_cmpeq(ua, avloc__vf_asvi(vb))));
        for (i = 0; i < TS_W; i++) memcpy(&oi[i], &o[i], 4);
        for (ok = 1, i = 0; i < TS_W; i++) ok &= oi[i] == (a[i] == b[i] ? -1 : 0);
        CHECK_MSG(ok, "%s vi cmpeq", set);
    }
#if !defined(AVLOC__VSET_NEON) || defined(AVLOC__VD_NEON) || AVLOC__VF_W == 1
    {
        double d[8], e[8], q[8];
        const double db[8] = {1.5, -2.25, 3.0, 0.125, -7.0, 2.5, 1e-3, 9.0};
        avloc__vd lo = avloc__vd_cvtlo(va), hi = avloc__vd_cvthi(va), x = avloc__vd_ld(db);
        avloc__vd_st(d, lo);
        avloc__vd_st(d + AVLOC__VD_W, hi);
        for (ok = 1, i = 0; i < TS_W; i++) ok &= d[i] == (double)a[i];
        CHECK_MSG(ok, "%s vd cvtlo/cvthi", set);
        avloc__vd_st(e, avloc__vd_fmadd(x, lo, avloc__vd_sub(avloc__vd_add(avloc__vd_bcast(db + 3), avloc__vd_set1(1.0)), avloc__vd_mul(x, avloc__vd_zero()))));
        for (ok = 1, i = 0; i < AVLOC__VD_W; i++) { q[i] = db[i] * (double)a[i]; ok &= e[i] == q[i] + (db[3] + 1.0); }
        CHECK_MSG(ok, "%s vd fmadd/add/sub/mul/bcast", set);
        for (r[0] = 0.0f, i = 0; i < AVLOC__VD_W; i++) r[0] += (float)db[i];
        CHECK_MSG(fabs(avloc__vd_hsum(x) - r[0]) < 1e-6, "%s vd hsum", set);
    }
#endif
#undef TS_EXACT
}
#undef TS_W
