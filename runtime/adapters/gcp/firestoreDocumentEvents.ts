/**
 * Decodes the CloudEvents Eventarc sends for Firestore document changes
 * (`google.cloud.firestore.document.v1.created`): data is `DocumentEventData`, either protobuf
 * (`application/protobuf`, Eventarc's default) or its proto3 JSON form (`application/json`).
 * The protobuf schema below mirrors google/events/cloud/firestore/v1/data.proto (field numbers
 * as in google/firestore/v1/document.proto), so no generated code is needed.
 */
import { Root, type Type } from 'protobufjs';

/** A Firestore document as Eventarc delivers it: resource name and typed field values. */
export interface TriggerDocument {
  readonly name: string;
  readonly fields: Readonly<Record<string, FirestoreValue>>;
}
export type FirestoreValue = Readonly<Record<string, unknown>>;

export interface FirestoreCloudEvent {
  readonly id?: string;
  readonly type: string;
  readonly source?: string;
  readonly subject?: string;
  readonly datacontenttype?: string;
  /** protobuf bytes, proto3 JSON text, or the parsed JSON object. */
  readonly data: Uint8Array | string | Readonly<Record<string, unknown>>;
}

export const DOCUMENT_CREATED = 'google.cloud.firestore.document.v1.created';

const ts = { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } };
const V1 = {
  DocumentEventData: { fields: { value: { type: 'Document', id: 1 }, oldValue: { type: 'Document', id: 2 }, updateMask: { type: 'DocumentMask', id: 3 } } },
  DocumentMask: { fields: { fieldPaths: { rule: 'repeated', type: 'string', id: 1 } } },
  Document: {
    fields: {
      name: { type: 'string', id: 1 }, fields: { keyType: 'string', type: 'Value', id: 2 },
      createTime: { type: 'google.protobuf.Timestamp', id: 3 }, updateTime: { type: 'google.protobuf.Timestamp', id: 4 },
    },
  },
  Value: {
    oneofs: {
      valueType: {
        oneof: ['nullValue', 'booleanValue', 'integerValue', 'doubleValue', 'timestampValue', 'stringValue', 'bytesValue',
          'referenceValue', 'geoPointValue', 'arrayValue', 'mapValue'],
      },
    },
    fields: {
      nullValue: { type: 'google.protobuf.NullValue', id: 11 }, booleanValue: { type: 'bool', id: 1 },
      integerValue: { type: 'int64', id: 2 }, doubleValue: { type: 'double', id: 3 },
      timestampValue: { type: 'google.protobuf.Timestamp', id: 10 }, stringValue: { type: 'string', id: 17 },
      bytesValue: { type: 'bytes', id: 18 }, referenceValue: { type: 'string', id: 5 },
      geoPointValue: { type: 'google.type.LatLng', id: 8 }, arrayValue: { type: 'ArrayValue', id: 9 }, mapValue: { type: 'MapValue', id: 6 },
    },
  },
  ArrayValue: { fields: { values: { rule: 'repeated', type: 'Value', id: 1 } } },
  MapValue: { fields: { fields: { keyType: 'string', type: 'Value', id: 1 } } },
};

const root = Root.fromJSON({
  nested: {
    google: {
      nested: {
        protobuf: { nested: { Timestamp: ts, NullValue: { values: { NULL_VALUE: 0 } } } },
        type: { nested: { LatLng: { fields: { latitude: { type: 'double', id: 1 }, longitude: { type: 'double', id: 2 } } } } },
        events: { nested: { cloud: { nested: { firestore: { nested: { v1: { nested: V1 } } } } } } },
      },
    },
  },
});

export const DocumentEventData: Type = root.lookupType('google.events.cloud.firestore.v1.DocumentEventData');

/** The created document of an Eventarc Firestore event, or undefined for other event types. */
export function createdDocument(event: FirestoreCloudEvent): TriggerDocument | undefined {
  if (event.type !== DOCUMENT_CREATED) return undefined;
  const data = decodeData(event);
  const value = data.value as TriggerDocument | undefined;
  return value && typeof value.name === 'string' ? { name: value.name, fields: value.fields ?? {} } : undefined;
}

function decodeData(event: FirestoreCloudEvent): Record<string, unknown> {
  const { data } = event;
  if (data instanceof Uint8Array) {
    if ((event.datacontenttype ?? 'application/protobuf').includes('json')) return JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>;
    const message = DocumentEventData.decode(data);
    return DocumentEventData.toObject(message, { longs: String, enums: String, oneofs: false, defaults: false });
  }
  if (typeof data === 'string') return JSON.parse(data) as Record<string, unknown>;
  return data;
}

/** A Firestore typed value (protobuf-decoded or proto3 JSON) as plain JSON. */
export function plainValue(v: FirestoreValue): unknown {
  if ('stringValue' in v) return v.stringValue;
  if ('integerValue' in v) return Number(v.integerValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('booleanValue' in v) return v.booleanValue;
  if ('nullValue' in v) return null;
  if ('timestampValue' in v) return timestampIso(v.timestampValue);
  if ('referenceValue' in v) return v.referenceValue;
  if ('arrayValue' in v) return (((v.arrayValue as { values?: FirestoreValue[] }).values) ?? []).map(plainValue);
  if ('mapValue' in v) return plainFields(((v.mapValue as { fields?: Record<string, FirestoreValue> }).fields) ?? {});
  return undefined;
}

export function plainFields(fields: Readonly<Record<string, FirestoreValue>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, plainValue(v)]));
}

function timestampIso(t: unknown): string {
  if (typeof t === 'string') return t;
  const { seconds, nanos } = t as { seconds?: string | number; nanos?: number };
  return new Date(Number(seconds ?? 0) * 1000 + Math.floor((nanos ?? 0) / 1e6)).toISOString();
}
