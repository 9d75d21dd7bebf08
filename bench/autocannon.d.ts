/** The part of autocannon's programmatic API the benchmark uses; the package ships no types. */
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    amount?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { total: number; average: number };
  }
  export default function autocannon(options: Options): Promise<Result>;
}
