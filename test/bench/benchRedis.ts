import { deliveryQueueName } from "@entrepot/delivery";
import { Redis } from "ioredis";

/**
 * Deletes one benchmark run's Redis keys: the services' state under the run's prefix (revision
 * gate, detector state) and the delivery queue's (BullMQ's, under its queue name). A run that left
 * them behind grew the dataset of a long-lived Redis by 50-100 MB per throughput run (300 000
 * revisions), and with AOF persistence each rewrite of it then slowed the runs after it.
 */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let deleted = 0;
  try {
    await redis.connect();
    for (const pattern of [`*${prefix}*`, `*${deliveryQueueName(prefix)}*`]) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
        if (keys.length > 0) deleted += await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
    }
    return deleted;
  } finally {
    redis.disconnect();
  }
}
