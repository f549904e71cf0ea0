import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** What an AWS service needs to publish to a topic of ours. */
export interface EncryptedTopicProps {
  /** Construct id of the key; the topic is `<topicId>`. */
  readonly keyId: string;
  readonly topicId: string;
  readonly keyDescription: string;
  readonly displayName: string;
  /** The services that publish, e.g. `backup.amazonaws.com`. */
  readonly publishers: string[];
  /** Sid of the key-policy statement that lets the publishers use the key. */
  readonly keyStatementSid: string;
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A TLS-only SNS topic encrypted with a new customer-managed key (rotation on) that the publishing
 * service may use. The key statement has no source condition: whether SNS passes one on to KMS is not
 * documented, and a silent notification channel is the worst failure. The topic policy, which the
 * caller writes with source conditions, is the gate: a publisher that may not publish cannot use the key.
 */
export function createEncryptedTopic(scope: Construct, props: EncryptedTopicProps): { topic: sns.Topic; key: kms.Key } {
  const key = new kms.Key(scope, props.keyId, {
    description: props.keyDescription,
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: props.keyStatementSid,
    principals: props.publishers.map((publisher) => new iam.ServicePrincipal(publisher)),
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const topic = new sns.Topic(scope, props.topicId, {
    displayName: props.displayName,
    masterKey: key,
    enforceSSL: true,
  });
  return { topic, key };
}

/**
 * Subscribes an email address to a topic. An email endpoint gets no dead-letter queue, with the reason
 * acknowledged on the subscription.
 */
export function subscribeEmail(
  scope: Construct,
  id: string,
  topic: sns.ITopic,
  emailAddress: string,
  filterPolicy?: { [attribute: string]: sns.SubscriptionFilter },
): sns.Subscription {
  const subscription = new sns.Subscription(scope, id, {
    topic,
    protocol: sns.SubscriptionProtocol.EMAIL,
    endpoint: emailAddress,
    filterPolicy,
  });
  Validations.of(subscription).acknowledge({
    id: 'Serverless-SNSRedrivePolicy',
    reason: 'Email subscription: SNS retries delivery to the mail server; a dead-letter queue for an email '
      + "endpoint would hold notices no one reads. Failed deliveries show in the topic's NumberOfNotificationsFailed metric.",
  });
  return subscription;
}
