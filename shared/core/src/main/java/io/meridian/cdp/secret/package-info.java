/**
 * Secrets by reference. Configuration never holds a secret in clear, only a {@link
 * io.meridian.cdp.secret.SecretRef} ({@code env:NAME}, {@code file:NAME}, {@code
 * secretsmanager:NAME}); a {@link io.meridian.cdp.secret.SecretStore} of the runtime resolves it
 * when the secret is needed (local files and environment variables locally, AWS Secrets Manager on
 * AWS).
 */
package io.meridian.cdp.secret;
