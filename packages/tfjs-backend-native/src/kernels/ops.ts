/** Op codes of the addon's unary / binary / reduce kernels (src/addon/kernels.h; keep in sync). */
export const UNARY_OPS = {
  Exp: 0,
  Log: 1,
  Sqrt: 2,
  Rsqrt: 3,
  Square: 4,
  Tanh: 5,
  Erf: 6,
  Neg: 7,
  Sigmoid: 8,
  Relu: 9,
  Abs: 10,
  Reciprocal: 11,
  Log1p: 12,
} as const;

export const BINARY_OPS = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  Pow: 6,
  SquaredDifference: 7,
} as const;

export const COMPARE_OPS = {
  Greater: 0,
  GreaterEqual: 1,
  Less: 2,
  LessEqual: 3,
  Equal: 4,
  NotEqual: 5,
} as const;

export const REDUCE_OPS = { Sum: 0, Mean: 1, Max: 2, Min: 3 } as const;
