export { defineCheck, type ConsistencyCheck, type Finding, type Severity } from './check.ts';
export { deadLetters, outboxLag, stuckNotifications, stuckTasks } from './platform-checks.ts';
export { consistencyRoutes } from './routes.ts';
export { exitCodeOf, runConsistency, type ConsistencyReport } from './run.ts';
import './tables.ts';
