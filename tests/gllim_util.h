/* tests/gllim_util.h - model helpers shared by the GLLiM test programs
   (include after avloc_gllim.h and harness.h). */
#ifndef AVLOC_TEST_GLLIM_UTIL_H
#define AVLOC_TEST_GLLIM_UTIL_H

/* A model with its own malloc'd memory. */
typedef struct tmodel {
    avloc_gllim_model m;
    void *mem;
} tmodel;

TH_FN int tmodel_make(tmodel *t, size_t K, size_t L, size_t D)
{
    size_t bytes;
    if (avloc_gllim_model_query(K, L, D, &bytes) != AVLOC_OK) return 0;
    t->mem = malloc(bytes);
    return t->mem && avloc_gllim_model_init(&t->m, K, L, D, t->mem, bytes) == AVLOC_OK;
}

TH_FN void tmodel_free(tmodel *t) { free(t->mem); t->mem = NULL; }

/* flat theta order of gllim_ref.flat: pi, c, Gamma, A, b, sigma2 */
TH_FN size_t theta_len(size_t K, size_t L, size_t D) { return K * (1 + L + L * L + D * L + 2 * D); }

TH_FN void theta_to_model(const double *th, avloc_gllim_model *m, avloc_gllim_sigma st)
{
    size_t K = m->K, L = m->L, D = m->D;
    memcpy(m->pi, th, K * sizeof(double)); th += K;
    memcpy(m->c, th, K * L * sizeof(double)); th += K * L;
    memcpy(m->Gamma, th, K * L * L * sizeof(double)); th += K * L * L;
    memcpy(m->A, th, K * D * L * sizeof(double)); th += K * D * L;
    memcpy(m->b, th, K * D * sizeof(double)); th += K * D;
    memcpy(m->sigma2, th, K * D * sizeof(double));
    m->sigma_type = st;
}

#endif
