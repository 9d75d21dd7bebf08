/** The client every batch of the soak's mock belongs to: a reading run names it with --client. */
export const SOAK_CLIENT = '5e0a7c2b-1d4f-4a8e-9b3c-0d1e2f3a4b5c';
