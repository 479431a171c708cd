// The in-place AdamW step (NerAdamW), with the arithmetic of @ner/tfjs-backend-native's adamw
// (torch's single-tensor AdamW) in the same order, so the two agree to float rounding.
#include "ner_dims.cuh"

extern "C" __global__ void ner_adamw_f32(const float *param, const float *grad, const float *m, const float *v,
                                         float *paramOut, float *mOut, float *vOut, int n, float decayFactor,
                                         float beta1, float beta2, float biasCorrection2Sqrt, float eps,
                                         float stepSize) {
  const float oneMinusBeta1 = 1.0f - beta1;
  const float oneMinusBeta2 = 1.0f - beta2;
  const float negStep = -stepSize;
  NER_GRID_LOOP(i, n) {
    const float g = grad[i];
    const float decayed = param[i] * decayFactor;
    const float expAvg = m[i] * beta1 + g * oneMinusBeta1;
    const float expAvgSq = v[i] * beta2 + (g * oneMinusBeta2) * g;
    const float denom = sqrtf(expAvgSq) / biasCorrection2Sqrt + eps;
    paramOut[i] = decayed + (expAvg / denom) * negStep;
    mOut[i] = expAvg;
    vOut[i] = expAvgSq;
  }
}
