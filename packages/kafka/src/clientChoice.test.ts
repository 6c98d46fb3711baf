import { describe, expect, it } from "vitest";
import { DEFAULT_KAFKA_CLIENT, kafkaClientName, kafkaCompression } from "./clientChoice";

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

describe("kafkaCompression (ENTREPOT_KAFKA_COMPRESSION)", () => {
  it("is none when unset or empty", () => {
    expect(kafkaCompression({}, "kafkajs")).toBe("none");
    expect(kafkaCompression({ ENTREPOT_KAFKA_COMPRESSION: "" }, "platformatic")).toBe("none");
  });

  it("takes what the client can produce: kafkajs gzip only, the others lz4 and zstd too", () => {
    expect(kafkaCompression({ ENTREPOT_KAFKA_COMPRESSION: "gzip" }, "kafkajs")).toBe("gzip");
    expect(kafkaCompression({ ENTREPOT_KAFKA_COMPRESSION: "lz4" }, "platformatic")).toBe("lz4");
    expect(kafkaCompression({ ENTREPOT_KAFKA_COMPRESSION: "zstd" }, "confluent")).toBe("zstd");
    expect(() => kafkaCompression({ ENTREPOT_KAFKA_COMPRESSION: "lz4" }, "kafkajs")).toThrow(
      'ENTREPOT_KAFKA_COMPRESSION must be one of none, gzip with the kafkajs client, got "lz4"',
    );
    expect(() => kafkaCompression({ ENTREPOT_KAFKA_COMPRESSION: "brotli" }, "platformatic")).toThrow(
      'ENTREPOT_KAFKA_COMPRESSION must be one of none, gzip, snappy, lz4, zstd with the platformatic client, got "brotli"',
    );
  });
});
