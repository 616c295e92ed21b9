import './tables.ts';

/** What the workloads use from reporting (the nightly figures). */
export { computeDay, readStoredDay, writeDay, type DayFigures } from './daily.ts';
export { runDailyCalculate, MAX_RANGE_DAYS, type DailyRunSummary } from './run.ts';
export { reportingRoutes } from './routes.ts';
export { dailyDriftCheck } from './consistency.ts';
