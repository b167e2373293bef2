/**
 * What the OpenAI API answers for an id it does not know. The simulator sends these, and the
 * gateway sends the same for an id another tenant owns, so the two cannot be told apart.
 */
export type StoredObjectKind = 'file' | 'batch' | 'response';

export interface ApiErrorFields {
  status: number;
  message: string;
  type: 'invalid_request_error';
  param: string | null;
  code: string | null;
}

/** GET / DELETE / cancel / content of an unknown file, batch or response (404). */
export function objectNotFound(kind: StoredObjectKind, id: string): ApiErrorFields {
  const type = 'invalid_request_error';
  switch (kind) {
    case 'file':
      return { status: 404, message: `No such File object: ${id}`, type, param: 'id', code: null };
    case 'batch':
      return {
        status: 404,
        message: `No batch found with id '${id}'.`,
        type,
        param: 'batch_id',
        code: 'not_found',
      };
    case 'response':
      return {
        status: 404,
        message: `Response with id '${id}' not found.`,
        type,
        param: 'response_id',
        code: null,
      };
  }
}

/** POST /v1/batches naming an input file that does not exist (400). */
export function inputFileNotFound(id: string): ApiErrorFields {
  return {
    status: 400,
    message: `Invalid 'input_file_id': '${id}'. File not found.`,
    type: 'invalid_request_error',
    param: 'input_file_id',
    code: 'invalid_value',
  };
}

/** POST /v1/responses (or input_tokens) chaining from a response that does not exist (400). */
export function previousResponseNotFound(id: string): ApiErrorFields {
  return {
    status: 400,
    message: `Previous response with id '${id}' not found.`,
    type: 'invalid_request_error',
    param: 'previous_response_id',
    code: 'previous_response_not_found',
  };
}
