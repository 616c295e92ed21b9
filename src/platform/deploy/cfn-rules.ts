import { isObj, type Template } from './cfn-validate.ts';
import type { CfnValue } from './cfn-yaml.ts';

/**
 * regi's own rules for the addon templates, on top of CloudFormation validity: data encrypted at
 * rest, TLS to the database, nothing public, security groups that admit other security groups only
 * (never a CIDR, certainly not 0.0.0.0/0), no secret values, every alarm notifies someone, and
 * every dead-letter queue is watched by an alarm.
 */
type Obj = { [key: string]: CfnValue };
const props = (r: CfnValue): Obj => (isObj(r) && isObj(r.Properties) ? r.Properties : {});
const isTrue = (v: CfnValue | undefined) => v === true || v === 'true';

export function checkTemplateRules(t: Template, file = 'template'): string[] {
  const problems: string[] = [];
  const resources = isObj(t.Resources) ? t.Resources : {};
  const say = (name: string, what: string) => problems.push(`${file}: ${name}: ${what}`);
  for (const [name, r] of Object.entries(resources)) {
    if (!isObj(r)) continue;
    const p = props(r);
    switch (r.Type) {
      case 'AWS::RDS::DBCluster':
        if (!isTrue(p.StorageEncrypted)) say(name, 'StorageEncrypted must be true');
        break;
      case 'AWS::RDS::DBInstance':
        if (p.PubliclyAccessible !== false) say(name, 'PubliclyAccessible must be false');
        break;
      case 'AWS::RDS::DBProxy':
        if (!isTrue(p.RequireTLS)) say(name, 'RequireTLS must be true');
        break;
      case 'AWS::S3::Bucket': {
        if (!isObj(p.BucketEncryption)) say(name, 'BucketEncryption is required');
        const block = isObj(p.PublicAccessBlockConfiguration) ? p.PublicAccessBlockConfiguration : {};
        for (const k of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'])
          if (!isTrue(block[k])) say(name, `PublicAccessBlockConfiguration.${k} must be true`);
        break;
      }
      case 'AWS::SNS::Topic':
        if (p.KmsMasterKeyId === undefined) say(name, 'KmsMasterKeyId is required (encryption at rest)');
        break;
      case 'AWS::SQS::Queue':
        if (p.KmsMasterKeyId === undefined && !isTrue(p.SqsManagedSseEnabled))
          say(name, 'queue must be encrypted');
        break;
      case 'AWS::ElastiCache::ReplicationGroup':
        if (!isTrue(p.TransitEncryptionEnabled) || !isTrue(p.AtRestEncryptionEnabled))
          say(name, 'encryption in transit and at rest');
        break;
      case 'AWS::SecretsManager::Secret':
        if (p.SecretString !== undefined)
          say(name, 'SecretString puts a secret value in the repo; use GenerateSecretString');
        break;
      case 'AWS::Logs::LogGroup':
        if (p.RetentionInDays === undefined) say(name, 'RetentionInDays is required');
        break;
      case 'AWS::CloudWatch::Alarm':
        if (!Array.isArray(p.AlarmActions) || p.AlarmActions.length === 0)
          say(name, 'an alarm must notify (AlarmActions)');
        break;
      case 'AWS::EC2::SecurityGroup':
        for (const rule of Array.isArray(p.SecurityGroupIngress) ? p.SecurityGroupIngress : [])
          checkIngress(rule, (what) => say(name, what));
        break;
      case 'AWS::EC2::SecurityGroupIngress':
        checkIngress(p, (what) => say(name, what));
        break;
    }
  }
  return problems;
}

function checkIngress(rule: CfnValue, say: (what: string) => void) {
  if (!isObj(rule)) return;
  if (rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0') say('ingress from 0.0.0.0/0 to a data store');
  else if (rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined)
    say('ingress by CIDR; admit the environment security group instead');
  if (rule.SourceSecurityGroupId === undefined && rule.SourcePrefixListId === undefined)
    say('ingress must name a source security group');
}

/**
 * Alarms that fire on any message in a given queue: metric ApproximateNumberOfMessagesVisible of
 * AWS/SQS, dimension QueueName = the queue, threshold 0, GreaterThanThreshold. Returns the queue
 * references they watch (as JSON, e.g. `{"Ref":"DeadLetterQueueName"}`).
 */
export function watchedQueues(t: Template): Set<string> {
  const watched = new Set<string>();
  const resources = isObj(t.Resources) ? t.Resources : {};
  for (const r of Object.values(resources)) {
    if (!isObj(r) || r.Type !== 'AWS::CloudWatch::Alarm') continue;
    const p = props(r);
    if (p.Namespace !== 'AWS/SQS' || p.MetricName !== 'ApproximateNumberOfMessagesVisible') continue;
    if (Number(p.Threshold) !== 0 || p.ComparisonOperator !== 'GreaterThanThreshold') continue;
    for (const d of Array.isArray(p.Dimensions) ? p.Dimensions : [])
      if (isObj(d) && d.Name === 'QueueName') watched.add(JSON.stringify(d.Value));
  }
  return watched;
}

/**
 * Dead-letter queues of a template, as the references an alarm would use: queues it declares
 * (logical id containing "DeadLetter") and queues passed in as a `...DeadLetterQueueName` parameter
 * (a worker's Copilot-made DLQ, see addons.parameters.yml).
 */
export function deadLetterQueueRefs(t: Template): string[] {
  const resources = isObj(t.Resources) ? t.Resources : {};
  const params = isObj(t.Parameters) ? t.Parameters : {};
  const declared = Object.entries(resources)
    .filter(([id, r]) => isObj(r) && r.Type === 'AWS::SQS::Queue' && /DeadLetter/.test(id))
    .map(([id]) => JSON.stringify({ 'Fn::GetAtt': [id, 'QueueName'] }));
  const passed = Object.keys(params)
    .filter((p) => /DeadLetterQueueName$/.test(p))
    .map((p) => JSON.stringify({ Ref: p }));
  return [...declared, ...passed];
}

/** Every dead-letter queue of the template has an alarm on any message in it. */
export function checkDeadLetterAlarms(t: Template, file = 'template'): string[] {
  const watched = watchedQueues(t);
  return deadLetterQueueRefs(t)
    .filter((ref) => !watched.has(ref))
    .map((ref) => `${file}: dead-letter queue ${ref} has no alarm on ApproximateNumberOfMessagesVisible > 0`);
}
