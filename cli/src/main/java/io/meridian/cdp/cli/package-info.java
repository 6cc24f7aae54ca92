/**
 * The {@code cdp} command. {@link io.meridian.cdp.cli.LocalRuntime} is local mode's one wiring
 * point: every command gets its adapters from it and from nowhere else.
 */
package io.meridian.cdp.cli;
