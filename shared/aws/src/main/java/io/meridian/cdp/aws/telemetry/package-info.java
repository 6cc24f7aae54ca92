/**
 * What every function writes to its log (ADR 0034): one JSON object per line, with the Lambda
 * request id, a correlation id and the tenant ({@link io.meridian.cdp.aws.telemetry.LogContext},
 * through an SLF4J provider of its own, {@link io.meridian.cdp.aws.telemetry.JsonLogProvider}), and
 * CloudWatch metrics in the embedded metric format ({@link io.meridian.cdp.aws.telemetry.Metrics}).
 * Field names follow Powertools for AWS Lambda's, so queries written for Powertools logs work on
 * these.
 */
package io.meridian.cdp.aws.telemetry;
