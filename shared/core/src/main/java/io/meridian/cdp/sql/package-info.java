/**
 * SQL over the lake: the {@link io.meridian.cdp.sql.SqlEngine} port, served by DuckDB views locally
 * and by Athena on AWS, over tables with the same names and columns ({@code clean.events}, ...).
 */
package io.meridian.cdp.sql;
