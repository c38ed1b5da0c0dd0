/** iproute2 bridge/ */
export { bridgeCommands } from "./bridge.ts";
