export { MetricsRecorder, NAMESPACE, standardDimensions, toEmf, type MetricDatum, type Unit } from './emf.ts';
