import { type ICustomPartitioner, Partitioners } from "kafkajs";

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
/** one encoding buffer reused for every key (grown when a key is longer) */
let scratch = Buffer.alloc(256);

/**
 * Kafka's murmur2 of a key's UTF-8 bytes (the Java client's `Utils.murmur2`), in 32-bit integer
 * arithmetic. kafkajs computes the same hash on 64-bit BigInt `Long`s, which cost more per message
 * than the rest of its partitioning; the low 32 bits it keeps are these.
 */
export function murmur2(key: string): number {
  const length = Buffer.byteLength(key);
  if (length > scratch.length) scratch = Buffer.alloc(2 * length);
  const data = scratch;
  data.write(key, 0, "utf8");
  let h = (SEED ^ length) | 0;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data.readInt32LE(i);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // the last one to three bytes, the third first
  const tail = length & 3;
  if (tail === 3) h ^= (data[whole + 2] as number) << 16;
  if (tail >= 2) h ^= (data[whole + 1] as number) << 8;
  if (tail >= 1) {
    h ^= data[whole] as number;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/**
 * kafkajs's `DefaultPartitioner` (murmur2 of the key masked positive, modulo the topic's
 * partitions, as the Java client does) with the hash above: a message with a text key and no
 * partition lands where the default would put it; any other message is left to the default.
 */
export const KeyPartitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return (args) => {
    const { message, partitionMetadata } = args;
    if ((message.partition === undefined || message.partition === null) && typeof message.key === "string") {
      return (murmur2(message.key) & 0x7fffffff) % partitionMetadata.length;
    }
    return fallback(args);
  };
};
