import { isAlias, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

/**
 * CloudFormation YAML → the JSON form CloudFormation itself uses: short tags (`!Ref x`,
 * `!GetAtt A.B`, `!Sub ...`) become `{ Ref: x }`, `{ 'Fn::GetAtt': ['A', 'B'] }`, `{ 'Fn::Sub': ... }`.
 * The yaml parser keeps unknown tags on the nodes, so the conversion walks the tree itself.
 */
export type CfnValue = string | number | boolean | null | CfnValue[] | { [key: string]: CfnValue };

const FUNCTIONS = new Set([
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
]);

export class CfnParseError extends Error {}

export function parseCfnYaml(source: string, file = 'template'): Record<string, CfnValue> {
  const doc = parseDocument(source, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) throw new CfnParseError(`${file}: ${doc.errors[0]!.message}`);
  const value = convert(doc.contents as Node | null, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new CfnParseError(`${file}: a template is a mapping`);
  return value;
}

function convert(node: Node | null, file: string): CfnValue {
  if (node === null) return null;
  if (isAlias(node)) throw new CfnParseError(`${file}: YAML aliases are not supported by CloudFormation`);
  let value: CfnValue;
  if (isMap(node)) {
    const out: Record<string, CfnValue> = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      out[key] = convert(pair.value as Node | null, file);
    }
    value = out;
  } else if (isSeq(node)) {
    value = node.items.map((item) => convert(item as Node | null, file));
  } else if (isScalar(node)) {
    value = node.value as CfnValue;
  } else {
    throw new CfnParseError(`${file}: unexpected YAML node`);
  }
  const tag = node.tag;
  if (!tag || !tag.startsWith('!')) return value;
  const name = tag.slice(1);
  if (name === 'Ref') return { Ref: value };
  if (name === 'Condition') return { Condition: value };
  if (!FUNCTIONS.has(name)) throw new CfnParseError(`${file}: unknown tag ${tag}`);
  if (name === 'GetAtt' && typeof value === 'string') {
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
  }
  return { [`Fn::${name}`]: value };
}
