export {
  type ConfusionMatrixSvgOptions,
  confusionMatrixSvg,
  MAX_PLOT_LABELS,
} from './confusion-matrix-svg.js';
export { BLUES, bluesColor, escapeXml, TAB10 } from './svg.js';
export {
  type CurveSeries,
  logHistorySeries,
  MAX_CURVE_POINTS,
  MAX_CURVE_SERIES,
  type TrainingCurveSvgOptions,
  trainingCurveSvg,
} from './training-curve-svg.js';
