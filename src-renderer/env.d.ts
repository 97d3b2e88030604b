// Types for what Vite bundles beside TypeScript: CSS imported for its side effect.

declare module '*.css';
