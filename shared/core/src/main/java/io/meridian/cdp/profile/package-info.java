/**
 * The profile API: unified profiles looked up by profile id or by any identifier, read straight
 * from the curated zone's snapshots ({@link io.meridian.cdp.profile.CuratedProfiles}) and answered
 * per tenant under a read key ({@link io.meridian.cdp.profile.ProfileApi}). Served locally by
 * {@code cdp serve} and on AWS by the profile-api Lambda behind API Gateway.
 */
package io.meridian.cdp.profile;
