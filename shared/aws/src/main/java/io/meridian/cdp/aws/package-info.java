/**
 * AWS adapters of the core's ports, on the AWS SDK v2 with the URL-connection HTTP client: {@link
 * io.meridian.cdp.aws.S3ObjectStore} (the lake), {@link io.meridian.cdp.aws.KinesisEventSink} (the
 * ingestion stream), {@link io.meridian.cdp.aws.EventBridgeEventPublisher} (the activation bus),
 * {@link io.meridian.cdp.aws.GlueTableCatalog} (the lake's tables in Glue; its SDK is optional
 * here, no function carries it), and {@link io.meridian.cdp.aws.AwsEnvironment}, which builds them
 * from a Lambda function's environment. Each adapter passes its port's contract test against moto
 * server.
 */
package io.meridian.cdp.aws;
