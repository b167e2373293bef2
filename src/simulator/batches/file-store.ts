import type { IdGenerator } from './ids.js';

export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;

/** The real File object (`GET /v1/files/{id}`). */
export interface FileObject {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  expires_at: number | null;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
}

export interface StoredFile {
  object: FileObject;
  data: Buffer;
}

export interface FileStore {
  create(input: {
    filename: string;
    purpose: string;
    data: Buffer;
    expiresAfterS?: number | undefined;
  }): FileObject;
  get(id: string): StoredFile | undefined;
  /** Newest first, like the real list. */
  list(): FileObject[];
  delete(id: string): boolean;
}

/** In-memory files, shared by uploads and batch outputs. */
export function createFileStore(deps: { now(): number; ids: IdGenerator }): FileStore {
  const files = new Map<string, StoredFile>();
  return {
    create({ filename, purpose, data, expiresAfterS }) {
      const createdAt = Math.floor(deps.now() / 1000);
      const object: FileObject = {
        id: deps.ids.base62('file-'),
        object: 'file',
        bytes: data.length,
        created_at: createdAt,
        expires_at: expiresAfterS === undefined ? null : createdAt + expiresAfterS,
        filename,
        purpose,
        status: 'processed',
        status_details: null,
      };
      files.set(object.id, { object, data });
      return object;
    },
    get: (id) => files.get(id),
    list: () => [...files.values()].map((f) => f.object).reverse(),
    delete: (id) => files.delete(id),
  };
}
