export * from "./errors";
export * from "./rng";
export * from "./deps";
export * from "./task";
export * from "./observation";
