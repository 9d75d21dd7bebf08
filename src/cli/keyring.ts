import { failure } from '../core/words.js';
import { PROFILE_WORDS } from '../core/words/profiles.js';

/**
 * The OS keyring, through @napi-rs/keyring (keyring-rs): the macOS Keychain,
 * the Windows Credential Manager, and on Linux the Secret Service (GNOME
 * Keyring, KWallet, KeePassXC) over D-Bus. Its binary ships in the registry
 * package for each platform, so `npm ci` builds nothing. On Linux the entry
 * is pinned to the Secret Service: keyring-rs would otherwise fall back to
 * the kernel's session keyring, which forgets the key when the session ends,
 * so that a key stored by `login` would be missing for the cron job that
 * needs it. A key is stored per target: service `ti-credits`, account the
 * origin requests go to.
 */
export const KEYRING_SERVICE = 'ti-credits';

/** What the keyring holds for a target. */
export type KeyringRead =
  { readonly kind: 'found'; readonly key: string } | { readonly kind: 'none' } | { readonly kind: 'unavailable'; readonly detail: string };

interface Entry {
  getPassword(): string | null;
  setPassword(password: string): void;
  deleteCredential(): boolean;
}

type EntryClass = new (service: string, account: string, options?: { linux?: { store?: 'secret-service' | 'keyutils' } }) => Entry;

/** Messages of keyring-rs that mean there is no keyring service to talk to, rather than one refusing. */
const NO_SERVICE =
  /dbus|autolaunch|org\.freedesktop|secret service|no such (file|interface)|platform failure|couldn't access platform storage|not supported|serviceunknown/i;

async function entryFor(origin: string): Promise<Entry | { readonly unavailable: string }> {
  let EntryCtor: EntryClass;
  try {
    ({ Entry: EntryCtor } = (await import('@napi-rs/keyring')) as unknown as { Entry: EntryClass });
  } catch (error) {
    return { unavailable: `the keyring library does not load on this platform: ${firstLine(error)}` };
  }
  try {
    return new EntryCtor(KEYRING_SERVICE, origin, { linux: { store: 'secret-service' } });
  } catch (error) {
    return { unavailable: firstLine(error) };
  }
}

/** The key stored for `origin`, none, or why no keyring can be asked. */
export async function readKeyring(origin: string): Promise<KeyringRead> {
  const entry = await entryFor(origin);
  if ('unavailable' in entry) return { kind: 'unavailable', detail: entry.unavailable };
  try {
    const key = entry.getPassword();
    return key === null ? { kind: 'none' } : { kind: 'found', key };
  } catch (error) {
    return { kind: 'unavailable', detail: firstLine(error) };
  }
}

/** Stores `key` for `origin`, replacing any key stored for it. */
export async function storeInKeyring(origin: string, key: string): Promise<void> {
  const entry = await usable(origin);
  try {
    entry.setPassword(key);
  } catch (error) {
    throw refusal(error, 'store the key');
  }
}

/** Removes the key stored for `origin`; false when there was none. */
export async function removeFromKeyring(origin: string): Promise<boolean> {
  const entry = await usable(origin);
  try {
    return entry.deleteCredential();
  } catch (error) {
    throw refusal(error, 'remove the key');
  }
}

async function usable(origin: string): Promise<Entry> {
  const entry = await entryFor(origin);
  if ('unavailable' in entry) throw failure(PROFILE_WORDS, 'TIC-NO-KEYRING', { detail: entry.unavailable });
  return entry;
}

function refusal(error: unknown, action: string): Error {
  const detail = firstLine(error);
  return NO_SERVICE.test(detail) ? failure(PROFILE_WORDS, 'TIC-NO-KEYRING', { detail }) : failure(PROFILE_WORDS, 'TIC-KEYRING-FAILED', { action, detail });
}

/** The first line of a library's error, for a message: never a stack. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
