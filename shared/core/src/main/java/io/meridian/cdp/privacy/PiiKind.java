package io.meridian.cdp.privacy;

import com.fasterxml.jackson.annotation.JsonCreator;

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
  IP_ADDRESS;

  /** The kind named {@code name} in cdp.yaml, e.g. {@code payment_card}. */
  @JsonCreator
  static PiiKind fromYaml(String name) {
    return PiiPolicy.parseKind(name);
  }
}
