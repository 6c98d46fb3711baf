import fc from "fast-check";
import { type PartitionerArgs, Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { KeyPartitioner, murmur2 } from "./keyPartitioner";

const metadata = (partitions: number): PartitionerArgs["partitionMetadata"] =>
  Array.from({ length: partitions }, (_, partitionId) => ({ partitionErrorCode: 0, partitionId, leader: 1, replicas: [1], isr: [1] }));

describe("KeyPartitioner", () => {
  it("puts every text key on the partition kafkajs's DefaultPartitioner (the Java client's murmur2) picks", () => {
    const ours = KeyPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    fc.assert(
      fc.property(
        // any UTF-16 text (lone surrogates included), short and longer than the reused encoding buffer
        fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.string({ unit: "grapheme", minLength: 200, maxLength: 400 })),
        fc.integer({ min: 1, max: 64 }),
        (key, partitions) => {
          const args = { topic: "t", partitionMetadata: metadata(partitions), message: { key, value: null } };
          expect(ours(args)).toBe(theirs(args));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("hashes as Kafka's murmur2 does (known values of the Java client)", () => {
    // org.apache.kafka.common.utils.Utils.murmur2 of the UTF-8 bytes
    expect(murmur2("")).toBe(275646681);
    expect(murmur2("21")).toBe(-973932308);
    expect(murmur2("foobar")).toBe(-790332482);
    expect(murmur2("a-little-bit-long-string")).toBe(-985981536);
    expect(murmur2("a-little-bit-longer-string")).toBe(-1486304829);
    expect(murmur2("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8")).toBe(-58897971);
  });

  it("leaves a message with a partition of its own to the default", () => {
    const ours = KeyPartitioner();
    expect(ours({ topic: "t", partitionMetadata: metadata(6), message: { key: "k", value: null, partition: 4 } })).toBe(4);
  });
});
