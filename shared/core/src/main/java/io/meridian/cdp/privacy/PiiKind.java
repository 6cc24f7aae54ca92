package io.meridian.cdp.privacy;

/** A kind of personal data the free-text detector finds. */
public enum PiiKind {
  EMAIL,
  PHONE,
  PAYMENT_CARD,
  IBAN,
  /** A US social security number written as {@code AAA-GG-SSSS} or {@code AAA GG SSSS}. */
  US_SSN,
  /** A UK national insurance number, e.g. {@code QQ 12 34 56 C}. */
  UK_NINO,
  IP_ADDRESS
}
