export * from "./errors";
export * from "./rng";
export * from "./deps";
export * from "./task";
export * from "./finished";
export * from "./plan";
export * from "./gate";
export * from "./observation";
