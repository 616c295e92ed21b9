import type { CfnValue } from './cfn-yaml.ts';

/**
 * Structural validation of a CloudFormation template against the CloudFormation resource
 * specification (`CfnSpec`, loaded from @aws-cdk/aws-service-spec by `cfn-spec.ts`): known resource
 * types and property names (nested too), required properties, `Ref`/`GetAtt`/`Sub` targets and
 * attributes, conditions, outputs. Pure: the spec is passed in. Returns problems, empty when valid.
 */
export type Template = Record<string, CfnValue>;
type Obj = { [key: string]: CfnValue };

export interface PropertyShape {
  type: TypeShape;
  required?: boolean;
}
export type TypeShape =
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: TypeShape }
  | { type: 'union'; types: TypeShape[] }
  | { type: string };

export interface CfnSpec {
  resource(
    type: string,
  ): { properties: Record<string, PropertyShape>; attributes: Record<string, unknown> } | undefined;
  typeDefinition(id: string): { properties: Record<string, PropertyShape> } | undefined;
}

const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Rules',
]);
const RESOURCE_KEYS = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
]);
const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

export const isObj = (v: CfnValue | undefined): v is Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** `{ Ref: x }` or `{ 'Fn::X': ... }`: a value CloudFormation computes, so its shape is not checked. */
export const isIntrinsic = (v: CfnValue | undefined): v is Obj =>
  isObj(v) &&
  Object.keys(v).length === 1 &&
  (Object.keys(v)[0] === 'Ref' || Object.keys(v)[0]!.startsWith('Fn::'));

/** Copilot merges all templates of one addons folder into one stack; identical duplicates are allowed. */
export function mergeTemplates(parts: { file: string; template: Template }[]): {
  template: Template;
  problems: string[];
} {
  const problems: string[] = [];
  const merged: Record<string, Obj> = {};
  for (const { file, template } of parts) {
    for (const [section, body] of Object.entries(template)) {
      if (!isObj(body)) continue;
      const into = (merged[section] ??= {});
      for (const [key, value] of Object.entries(body)) {
        if (key in into && JSON.stringify(into[key]) !== JSON.stringify(value))
          problems.push(
            `${file}: ${section}.${key} is declared differently in another template of the folder`,
          );
        into[key] = value;
      }
    }
  }
  return { template: merged, problems };
}

export function validateTemplate(t: Template, spec: CfnSpec, file = 'template'): string[] {
  const problems: string[] = [];
  const say = (where: string, what: string) => problems.push(`${file}: ${where}: ${what}`);
  for (const key of Object.keys(t)) if (!TOP_LEVEL.has(key)) say(key, 'unknown top-level section');

  const params = isObj(t.Parameters) ? t.Parameters : {};
  const conditions = isObj(t.Conditions) ? t.Conditions : {};
  const resources = isObj(t.Resources) ? t.Resources : {};
  const mappings = isObj(t.Mappings) ? t.Mappings : {};
  if (Object.keys(resources).length === 0) say('Resources', 'a template needs at least one resource');

  for (const [name, p] of Object.entries(params))
    if (!isObj(p) || typeof p.Type !== 'string') say(`Parameters.${name}`, 'needs a Type');

  const checkRef = (where: string, target: string) => {
    if (!(target in params) && !(target in resources) && !PSEUDO.has(target))
      say(where, `Ref to unknown "${target}"`);
  };
  const checkGetAtt = (where: string, logical: string, attribute: string) => {
    const r = resources[logical];
    if (!isObj(r)) return say(where, `GetAtt of unknown resource "${logical}"`);
    const type = typeof r.Type === 'string' ? r.Type : '';
    const s =
      type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource'
        ? undefined
        : spec.resource(type);
    if (s && !(attribute in s.attributes)) say(where, `${type} has no attribute "${attribute}"`);
  };
  const checkCondition = (where: string, name: CfnValue) => {
    if (typeof name !== 'string' || !(name in conditions))
      say(where, `unknown condition ${JSON.stringify(name)}`);
  };

  /** Walks any value, checking every intrinsic function it contains. */
  const walk = (where: string, v: CfnValue, subVars: Set<string> = new Set()) => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(`${where}[${i}]`, x, subVars));
    if (!isObj(v)) return;
    if (isIntrinsic(v)) {
      const [fn, arg] = Object.entries(v)[0]!;
      if (fn === 'Ref') {
        if (typeof arg === 'string') {
          if (!subVars.has(arg)) checkRef(where, arg);
        } else say(where, 'Ref takes a name');
        return;
      }
      if (fn === 'Fn::GetAtt') {
        if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string')
          checkGetAtt(where, arg[0], arg[1]);
        else if (!Array.isArray(arg) || arg.length !== 2) say(where, 'GetAtt takes [resource, attribute]');
        return;
      }
      if (fn === 'Fn::Sub') {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
        const names = new Set(isObj(vars) ? Object.keys(vars) : []);
        if (isObj(vars)) for (const [k, x] of Object.entries(vars)) walk(`${where}.${k}`, x);
        if (typeof text !== 'string') return say(where, 'Sub takes a string');
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const ref = m[1]!.trim();
          if (names.has(ref)) continue;
          if (ref.includes('.') && !PSEUDO.has(ref)) {
            const dot = ref.indexOf('.');
            checkGetAtt(where, ref.slice(0, dot), ref.slice(dot + 1));
          } else checkRef(where, ref);
        }
        return;
      }
      if (fn === 'Fn::If') {
        if (!Array.isArray(arg) || arg.length !== 3) return say(where, 'If takes [condition, then, else]');
        checkCondition(where, arg[0]!);
        walk(where, arg[1]!, subVars);
        walk(where, arg[2]!, subVars);
        return;
      }
      if (fn === 'Fn::FindInMap') {
        if (Array.isArray(arg) && typeof arg[0] === 'string' && !(arg[0] in mappings))
          say(where, `FindInMap of unknown mapping "${arg[0]}"`);
      }
      return walk(where, arg, subVars);
    }
    const o: Obj = v;
    if (Object.keys(o).length === 1 && typeof o.Condition === 'string')
      return checkCondition(where, o.Condition);
    for (const [k, x] of Object.entries(o)) walk(`${where}.${k}`, x, subVars);
  };

  for (const [name, c] of Object.entries(conditions)) walk(`Conditions.${name}`, c);

  for (const [name, r] of Object.entries(resources)) {
    const where = `Resources.${name}`;
    if (!/^[A-Za-z0-9]+$/.test(name)) say(where, 'logical ids are alphanumeric');
    if (!isObj(r)) {
      say(where, 'a resource is a mapping');
      continue;
    }
    for (const key of Object.keys(r))
      if (!RESOURCE_KEYS.has(key)) say(where, `unknown resource attribute "${key}"`);
    if (r.Condition !== undefined) checkCondition(where, r.Condition);
    const deps = r.DependsOn === undefined ? [] : Array.isArray(r.DependsOn) ? r.DependsOn : [r.DependsOn];
    for (const d of deps)
      if (typeof d !== 'string' || !(d in resources)) say(where, `DependsOn unknown "${String(d)}"`);
    const type = typeof r.Type === 'string' ? r.Type : '';
    const props = r.Properties === undefined ? {} : r.Properties;
    walk(`${where}.Properties`, props);
    if (type.startsWith('Custom::')) continue;
    const s = spec.resource(type);
    if (!s) {
      say(where, `unknown resource type "${type}"`);
      continue;
    }
    if (!isObj(props)) {
      say(where, 'Properties is a mapping');
      continue;
    }
    checkProperties(`${where}.Properties`, props, s.properties, spec, say);
  }

  const outputs = isObj(t.Outputs) ? t.Outputs : {};
  for (const [name, o] of Object.entries(outputs)) {
    const where = `Outputs.${name}`;
    if (!isObj(o) || o.Value === undefined) {
      say(where, 'needs a Value');
      continue;
    }
    if (o.Condition !== undefined) checkCondition(where, o.Condition);
    if (o.Export !== undefined && !(isObj(o.Export) && o.Export.Name !== undefined))
      say(where, 'Export needs a Name');
    walk(where, o);
  }
  return problems;
}

function checkProperties(
  where: string,
  value: Obj,
  shape: Record<string, PropertyShape>,
  spec: CfnSpec,
  say: (where: string, what: string) => void,
) {
  for (const [name, p] of Object.entries(shape))
    if (p.required && value[name] === undefined) say(where, `required property "${name}" is missing`);
  for (const [name, v] of Object.entries(value)) {
    const p = shape[name];
    if (!p) {
      say(where, `unknown property "${name}"`);
      continue;
    }
    checkValue(`${where}.${name}`, v, p.type, spec, say);
  }
}

function checkValue(
  where: string,
  v: CfnValue,
  t: TypeShape,
  spec: CfnSpec,
  say: (w: string, m: string) => void,
) {
  if (isIntrinsic(v) || v === null) return;
  if (t.type === 'ref' && 'reference' in t) {
    const def = spec.typeDefinition(t.reference.$ref);
    if (!def) return;
    if (!isObj(v)) return say(where, 'expected a mapping');
    return checkProperties(where, v, def.properties, spec, say);
  }
  if ((t.type === 'array' || t.type === 'map') && 'element' in t) {
    if (t.type === 'array') {
      if (!Array.isArray(v)) return say(where, 'expected a list');
      v.forEach((x, i) => checkValue(`${where}[${i}]`, x, t.element, spec, say));
    } else {
      if (!isObj(v)) return say(where, 'expected a mapping');
      for (const [k, x] of Object.entries(v)) checkValue(`${where}.${k}`, x, t.element, spec, say);
    }
    return;
  }
  if (t.type === 'boolean' && typeof v !== 'boolean' && v !== 'true' && v !== 'false')
    return say(where, 'expected a boolean');
  if ((t.type === 'integer' || t.type === 'number') && Number.isNaN(Number(v)))
    say(where, 'expected a number');
  if (t.type === 'string' && typeof v === 'object') say(where, 'expected a string');
}
