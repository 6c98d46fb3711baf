import { describe, expect, it } from "vitest";
import { DEFAULT_KAFKA_CLIENT, kafkaClientName } from "./clientChoice";

describe("kafkaClientName (ENTREPOT_KAFKA_CLIENT)", () => {
  it("is the default when unset or empty", () => {
    expect(kafkaClientName({})).toBe(DEFAULT_KAFKA_CLIENT);
    expect(kafkaClientName({ ENTREPOT_KAFKA_CLIENT: "" })).toBe(DEFAULT_KAFKA_CLIENT);
    expect(DEFAULT_KAFKA_CLIENT).toBe("kafkajs");
  });

  it("takes each supported client", () => {
    expect(kafkaClientName({ ENTREPOT_KAFKA_CLIENT: "kafkajs" })).toBe("kafkajs");
    expect(kafkaClientName({ ENTREPOT_KAFKA_CLIENT: "platformatic" })).toBe("platformatic");
    expect(kafkaClientName({ ENTREPOT_KAFKA_CLIENT: "confluent" })).toBe("confluent");
  });

  it("refuses anything else, naming the variable and the choices", () => {
    expect(() => kafkaClientName({ ENTREPOT_KAFKA_CLIENT: "librdkafka" })).toThrow(
      'ENTREPOT_KAFKA_CLIENT must be one of platformatic, kafkajs, confluent, got "librdkafka"',
    );
  });
});
