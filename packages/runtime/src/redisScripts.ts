import type { Redis } from "ioredis";

/** A Lua script run as an ioredis custom command (EVALSHA, falling back to EVAL once per server). */
export interface RedisScript<Result> {
  /** the command name on the client; must not shadow an ioredis method */
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
  /** phantom: the script's reply type */
  readonly result?: Result;
}

export function redisScript<Result>(name: string, numberOfKeys: number, lua: string): RedisScript<Result> {
  if (!/^entrepot[A-Z]\w*$/.test(name)) throw new Error(`script name ${name} must start with "entrepot" and a capital`);
  return { name, numberOfKeys, lua };
}

type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

const defined = new WeakMap<Redis, Set<string>>();

/** Registers the script on this client unless it already is (once per client, whoever asks first). */
export function defineScript(redis: Redis, script: RedisScript<unknown>): void {
  let names = defined.get(redis);
  if (!names) {
    names = new Set();
    defined.set(redis, names);
  }
  if (names.has(script.name)) return;
  if (script.name in redis) throw new Error(`Redis client already has a member named ${script.name}`);
  redis.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  names.add(script.name);
}

/** Runs the script (registering it on first use by this client). */
export async function runScript<Result>(
  redis: Redis,
  script: RedisScript<Result>,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<Result> {
  if (keys.length !== script.numberOfKeys) throw new Error(`${script.name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  defineScript(redis, script);
  const command = (redis as unknown as Record<string, ScriptCommand>)[script.name] as ScriptCommand;
  return (await command.call(redis, ...keys, ...args)) as Result;
}
