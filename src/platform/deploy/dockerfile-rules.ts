/**
 * regi's rules for the Dockerfile, next to dockerfile-utils' linter (syntax and instruction
 * checks): a multi-stage build, base images pinned to an exact version or digest, a runtime stage
 * that runs as a non-root user with production dependencies only, exec-form ENTRYPOINT/CMD (so
 * SIGTERM reaches node), no secrets in ENV/ARG, no remote ADD.
 */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue;
      line = line.replace(/\\\s*$/, ' ') + next.trim();
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start + 1 });
  }
  return out;
}

export function checkDockerfileRules(text: string): string[] {
  const problems: string[] = [];
  const ins = parseDockerfile(text);
  const args = new Map<string, string>();
  for (const i of ins) {
    if (i.keyword === 'FROM') break;
    if (i.keyword === 'ARG') {
      const [k, v] = i.args.split('=');
      if (k && v) args.set(k.trim(), v.trim());
    }
  }
  const stages: { from: string; body: Instruction[] }[] = [];
  for (const i of ins) {
    if (i.keyword === 'FROM') stages.push({ from: i.args, body: [] });
    else stages.at(-1)?.body.push(i);
  }
  if (stages.length < 2)
    problems.push('multi-stage build expected (build tools must not reach the runtime image)');
  const stageNames = new Set(
    stages.map((s) => /\sAS\s+(\S+)/i.exec(s.from)?.[1]?.toLowerCase()).filter(Boolean),
  );
  for (const s of stages) {
    const image = s.from.split(/\s+/).filter((w) => !w.startsWith('--'))[0] ?? '';
    const resolved = image.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args.get(name) ?? image);
    if (stageNames.has(resolved.toLowerCase())) continue;
    if (!/@sha256:[0-9a-f]{64}$/.test(resolved) && !/:\d+\.\d+\.\d+[\w.-]*$/.test(resolved))
      problems.push(`base image ${resolved} must be pinned to an exact version or digest`);
  }
  const runtime = stages.at(-1);
  if (runtime) {
    const user = runtime.body.filter((i) => i.keyword === 'USER').at(-1);
    if (!user || /^(root|0)(:|$)/.test(user.args))
      problems.push('the runtime stage must switch to a non-root USER');
    for (const i of runtime.body) {
      if (i.keyword === 'RUN' && /npm (ci|install)(?![^&;]*--omit=dev)/.test(i.args))
        problems.push(`line ${i.line}: npm install in the runtime stage without --omit=dev`);
    }
    const copiesModules = runtime.body.some((i) => i.keyword === 'COPY' && /node_modules/.test(i.args));
    if (copiesModules) {
      const from = runtime.body.find((i) => i.keyword === 'COPY' && /node_modules/.test(i.args))!;
      const source = /--from=(\S+)/.exec(from.args)?.[1];
      const stage = stages.find((s) => /\sAS\s+(\S+)/i.exec(s.from)?.[1] === source);
      if (!stage?.body.some((i) => i.keyword === 'RUN' && /npm ci\b[^&;]*--omit=dev/.test(i.args)))
        problems.push('node_modules of the runtime image must come from `npm ci --omit=dev`');
    }
    for (const k of ['ENTRYPOINT', 'CMD']) {
      const i = runtime.body.filter((x) => x.keyword === k).at(-1);
      if (i && !i.args.startsWith('['))
        problems.push(`${k} must use the exec form (JSON array) so signals reach node`);
    }
    if (!runtime.body.some((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD'))
      problems.push('the runtime stage needs an ENTRYPOINT or CMD');
  }
  for (const i of ins) {
    if (
      (i.keyword === 'ENV' || i.keyword === 'ARG') &&
      /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY)/i.test(i.args)
    )
      problems.push(`line ${i.line}: ${i.keyword} must not carry secrets`);
    if (i.keyword === 'ADD' && /https?:\/\//.test(i.args))
      problems.push(`line ${i.line}: no remote ADD (unverified download)`);
    if (i.keyword === 'COPY' && /(^|\s)\.env\b/.test(i.args))
      problems.push(`line ${i.line}: never copy .env files`);
  }
  return problems;
}
