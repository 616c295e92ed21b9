import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { CfnSpec, PropertyShape } from './cfn-validate.ts';

/**
 * The CloudFormation resource specification as published in @aws-cdk/aws-service-spec (the
 * database the AWS CDK generates its L1 constructs from), adapted to what `validateTemplate` asks.
 * Loading takes about a second; load once per test file.
 */
export async function loadCfnSpec(): Promise<CfnSpec> {
  const db = await loadAwsServiceSpec();
  return {
    resource(type) {
      const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
      if (found.length !== 1) return undefined;
      const r = found[0]!;
      return {
        properties: r.properties as unknown as Record<string, PropertyShape>,
        attributes: r.attributes as Record<string, unknown>,
      };
    },
    typeDefinition(id) {
      try {
        const d = db.get('typeDefinition', id);
        return { properties: d.properties as unknown as Record<string, PropertyShape> };
      } catch {
        return undefined;
      }
    },
  };
}
