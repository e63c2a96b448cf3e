/**
 * A Glue Schema Registry stand-in at the SDK boundary (aws-sdk-client-mock): the commands the
 * GlueSchemaRegistry adapter sends, answered with the response shapes of the Glue API reference
 * (CreateSchema, RegisterSchemaVersion, GetSchemaVersion, ListSchemas, ListSchemaVersions,
 * GetRegistry, GetTags, TagResource) and its documented errors (EntityNotFoundException,
 * InvalidInputException, ThrottlingException). New versions go through PENDING like Glue's.
 * No local Glue server exists; this is the SDK-boundary test double, not a product path.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateSchemaCommand, EntityNotFoundException, GetRegistryCommand, GetSchemaVersionCommand, GetTagsCommand, GlueClient,
  InvalidInputException, ListSchemaVersionsCommand, ListSchemasCommand, RegisterSchemaVersionCommand, TagResourceCommand,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';

interface Version { id: string; number: number; definition: string; status: 'PENDING' | 'AVAILABLE' | 'FAILURE'; polls: number }

const meta = { $metadata: { httpStatusCode: 400 } };
const notFound = (what: string) => new EntityNotFoundException({ message: `${what} is not found.`, ...meta });

export function fakeGlue(registryName: string) {
  const client = new GlueClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const mock = mockClient(client);
  const registryArn = `arn:aws:glue:us-east-1:123456789012:registry/${registryName}`;
  const schemas = new Map<string, Version[]>();
  const tags: Record<string, string> = {};
  const checkRegistry = (name: string | undefined) => {
    if (name !== registryName) throw notFound(`Registry ${name ?? ''}`);
  };
  const valid = (definition: string | undefined) => {
    try {
      JSON.parse(definition ?? '');
    } catch {
      throw new InvalidInputException({ message: 'Schema definition of AVRO data format is invalid', ...meta });
    }
  };
  const add = (name: string, definition: string) => {
    const list = schemas.get(name) ?? [];
    const same = list.find((v) => v.definition === definition);
    if (same) return same; // Glue returns the existing version for an identical definition
    const v: Version = { id: randomUUID(), number: list.length + 1, definition, status: 'PENDING', polls: 0 };
    schemas.set(name, [...list, v]);
    return v;
  };
  const find = (input: { SchemaId?: { SchemaName?: string; RegistryName?: string }; SchemaVersionId?: string; SchemaVersionNumber?: { LatestVersion?: boolean; VersionNumber?: number } }) => {
    if (input.SchemaVersionId) {
      for (const [name, list] of schemas) {
        const v = list.find((x) => x.id === input.SchemaVersionId);
        if (v) return { name, v };
      }
      throw notFound('Schema version');
    }
    checkRegistry(input.SchemaId?.RegistryName);
    const name = input.SchemaId?.SchemaName ?? '';
    const list = schemas.get(name);
    if (!list) throw notFound('Schema');
    const v = input.SchemaVersionNumber?.LatestVersion ? list[list.length - 1] : list.find((x) => x.number === input.SchemaVersionNumber?.VersionNumber);
    if (!v) throw notFound('Schema version');
    return { name, v };
  };
  mock.on(GetRegistryCommand).callsFake((input) => {
    checkRegistry(input.RegistryId?.RegistryName);
    return { RegistryName: registryName, RegistryArn: registryArn, Status: 'AVAILABLE' };
  });
  mock.on(GetTagsCommand).callsFake(() => ({ Tags: { ...tags } }));
  mock.on(TagResourceCommand).callsFake((input) => {
    Object.assign(tags, input.TagsToAdd);
    return {};
  });
  mock.on(CreateSchemaCommand).callsFake((input) => {
    checkRegistry(input.RegistryId?.RegistryName);
    valid(input.SchemaDefinition);
    const v = add(input.SchemaName, input.SchemaDefinition);
    return {
      RegistryName: registryName, RegistryArn: registryArn, SchemaName: input.SchemaName, DataFormat: input.DataFormat,
      Compatibility: input.Compatibility, SchemaCheckpoint: 1, LatestSchemaVersion: 1, NextSchemaVersion: 2, SchemaStatus: 'AVAILABLE',
      SchemaVersionId: v.id, SchemaVersionStatus: v.status,
    };
  });
  mock.on(RegisterSchemaVersionCommand).callsFake((input) => {
    checkRegistry(input.SchemaId?.RegistryName);
    if (!schemas.has(input.SchemaId?.SchemaName ?? '')) throw notFound('Schema');
    valid(input.SchemaDefinition);
    const v = add(input.SchemaId!.SchemaName, input.SchemaDefinition);
    return { SchemaVersionId: v.id, VersionNumber: v.number, Status: v.status };
  });
  mock.on(GetSchemaVersionCommand).callsFake((input) => {
    const { v } = find(input);
    if (v.status === 'PENDING' && ++v.polls >= 1) v.status = 'AVAILABLE';
    return { SchemaVersionId: v.id, SchemaDefinition: v.definition, DataFormat: 'AVRO', VersionNumber: v.number, Status: v.status, CreatedTime: new Date().toISOString() };
  });
  mock.on(ListSchemasCommand).callsFake((input) => {
    checkRegistry(input.RegistryId?.RegistryName);
    return { Schemas: [...schemas.keys()].map((SchemaName) => ({ RegistryName: registryName, SchemaName, SchemaStatus: 'AVAILABLE' })) };
  });
  mock.on(ListSchemaVersionsCommand).callsFake((input) => {
    checkRegistry(input.SchemaId?.RegistryName);
    const list = schemas.get(input.SchemaId?.SchemaName ?? '');
    if (!list) throw notFound('Schema');
    return { Schemas: list.map((v) => ({ SchemaVersionId: v.id, VersionNumber: v.number, Status: v.status === 'PENDING' ? 'AVAILABLE' : v.status })) };
  });
  return { client, mock, schemas, tags };
}
