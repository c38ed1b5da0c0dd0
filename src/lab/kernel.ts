/** The emulated kernel's World behind the lab's factory interface. */
import { World } from "../kernel/world.ts";
import type { KernelWorldLike, WorldFactory } from "./world.ts";

export const makeKernelWorld: WorldFactory = (opts) => new World(opts) as unknown as KernelWorldLike;
