/** A dependency a workload needs before it can do its job: checked by /readyz. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<CheckResult>;
}

export type CheckResult = { ok: boolean; detail?: Record<string, unknown> | string };

export type ReadinessReport = { ready: boolean; checks: Record<string, CheckResult> };

const CHECK_TIMEOUT_MS = 3000;

export async function runChecks(checks: ReadinessCheck[]): Promise<ReadinessReport> {
  const results = await Promise.all(
    checks.map(async (c): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CheckResult>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, detail: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
          CHECK_TIMEOUT_MS,
        );
      });
      try {
        return [c.name, await Promise.race([c.check(), timeout])];
      } catch (err) {
        return [c.name, { ok: false, detail: (err as Error).message }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  const checksOut = Object.fromEntries(results);
  return { ready: results.every(([, r]) => r.ok), checks: checksOut };
}
