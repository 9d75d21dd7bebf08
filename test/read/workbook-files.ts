import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';

/**
 * Workbooks for the tests, written in a temporary folder: by exceljs, as a
 * program exporting a workbook would, or part by part, for what exceljs
 * never writes (an error cached by a formula, absolute relationship
 * targets, `date1904="true"`, escaped characters...).
 */

/** Writes a workbook built with exceljs's document API and returns its path. */
export async function writeWithExcelJs(dir: string, name: string, build: (workbook: ExcelJS.Workbook) => void): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  build(workbook);
  const path = join(dir, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

/** Writes a workbook row by row with exceljs's streaming writer, as the benchmark does, and returns its path. */
export async function streamWithExcelJs(
  dir: string,
  name: string,
  options: { readonly useSharedStrings: boolean },
  rows: readonly (readonly ExcelJS.CellValue[])[],
): Promise<string> {
  const path = join(dir, name);
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: options.useSharedStrings, useStyles: true });
  const sheet = writer.addWorksheet('changes');
  for (const row of rows) sheet.addRow([...row]).commit();
  await writer.commit();
  return path;
}

export interface CraftedSheet {
  readonly name: string;
  /** The inner XML of `<sheetData>`. */
  readonly rows: string;
  /** XML between the start of the worksheet and `<sheetData>`, e.g. `<cols>`. */
  readonly before?: string;
  /** XML after `</sheetData>`, e.g. `<mergeCells>`. */
  readonly after?: string;
  readonly state?: 'hidden' | 'veryHidden';
}

export interface CraftedWorkbook {
  readonly sheets: readonly CraftedSheet[];
  /** The inner XML of each `<si>`, e.g. `<t>id</t>`. */
  readonly sharedStrings?: readonly string[];
  /** Custom number formats by id. */
  readonly numberFormats?: Readonly<Record<number, string>>;
  /** The number format of each cell style, by style index. */
  readonly cellStyles?: readonly number[];
  /** The `date1904` attribute, as written. */
  readonly date1904?: string;
  /** Relationship targets from the package root (`/xl/worksheets/sheet1.xml`), as openpyxl writes them. */
  readonly absoluteTargets?: boolean;
  /** A number format id that a conditional (differential) format redefines as a date format. */
  readonly conditionalDateFormat?: number;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Writes a workbook from its parts and returns its path; its shared strings are the last entry of the zip. */
export async function craftWorkbook(dir: string, workbook: CraftedWorkbook, name = 'crafted.xlsx', zip: Parameters<typeof writeZip>[2] = {}): Promise<string> {
  const target = (part: string): string => (workbook.absoluteTargets === true ? `/xl/${part}` : part);
  const sheetParts = workbook.sheets.map(
    (sheet, index) =>
      [
        `xl/worksheets/sheet${index + 1}.xml`,
        `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">${sheet.before ?? ''}<sheetData>${sheet.rows}</sheetData>${sheet.after ?? ''}</worksheet>`,
      ] as const,
  );
  const numberFormats = Object.entries(workbook.numberFormats ?? {}).map(
    ([id, code]) => `<numFmt numFmtId="${id}" formatCode="${code.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}"/>`,
  );
  const styles = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="${MAIN}"><numFmts count="${numberFormats.length}">${numberFormats.join('')}</numFmts><cellXfs count="${(workbook.cellStyles ?? [0]).length}">${(workbook.cellStyles ?? [0]).map((id) => `<xf numFmtId="${id}" fontId="0"/>`).join('')}</cellXfs>${workbook.conditionalDateFormat === undefined ? '' : `<dxfs count="1"><dxf><numFmt numFmtId="${workbook.conditionalDateFormat}" formatCode="yyyy-mm-dd"/></dxf></dxfs>`}</styleSheet>`;
  const parts: (readonly [string, string])[] = [
    ['[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`],
    [
      '_rels/.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PACKAGE_RELATIONSHIPS}"><Relationship Id="rId1" Type="${RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ],
    [
      'xl/workbook.xml',
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${RELATIONSHIPS}">${workbook.date1904 === undefined ? '' : `<workbookPr date1904="${workbook.date1904}"/>`}<sheets>${workbook.sheets
        .map(
          (sheet, index) =>
            `<sheet name="${sheet.name}" sheetId="${index + 1}"${sheet.state === undefined ? '' : ` state="${sheet.state}"`} r:id="rIdSheet${index + 1}"/>`,
        )
        .join('')}</sheets></workbook>`,
    ],
    [
      'xl/_rels/workbook.xml.rels',
      `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PACKAGE_RELATIONSHIPS}">${workbook.sheets
        .map(
          (_sheet, index) =>
            `<Relationship Id="rIdSheet${index + 1}" Type="${RELATIONSHIPS}/worksheet" Target="${target(`worksheets/sheet${index + 1}.xml`)}"/>`,
        )
        .join(
          '',
        )}<Relationship Id="rIdStyles" Type="${RELATIONSHIPS}/styles" Target="${target('styles.xml')}"/><Relationship Id="rIdStrings" Type="${RELATIONSHIPS}/sharedStrings" Target="${target('sharedStrings.xml')}"/></Relationships>`,
    ],
    ['xl/styles.xml', styles],
    ...sheetParts,
    [
      'xl/sharedStrings.xml',
      `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN}" count="${(workbook.sharedStrings ?? []).length}">${(workbook.sharedStrings ?? []).map((inner) => `<si>${inner}</si>`).join('')}</sst>`,
    ],
  ];
  const path = join(dir, name);
  await writeZip(path, parts, zip);
  return path;
}

/**
 * A zip archive of `entries`, deflated, the way any zip tool writes one; or
 * stored, or labelled with another method or flags, as some tools do; or
 * with a zip64 end record, as tools write archives past 4 GB or 65,535
 * entries (and some, such as .NET's, whenever they stream).
 */
export async function writeZip(
  path: string,
  entries: readonly (readonly [string, string])[],
  options: { readonly method?: number; readonly flags?: number; readonly zip64?: boolean } = {},
): Promise<void> {
  const locals: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const data = Buffer.from(content);
    const compressed = options.method === 0 ? data : deflateRawSync(data);
    const fileName = Buffer.from(name);
    const fields = (header: Buffer, at: number): void => {
      header.writeUInt16LE(20, at);
      header.writeUInt16LE(0x0800 | (options.flags ?? 0), at + 2);
      header.writeUInt16LE(options.method ?? 8, at + 4);
      header.writeUInt16LE(0, at + 6);
      header.writeUInt16LE(0x21, at + 8);
      header.writeUInt32LE(crc32(data), at + 10);
      header.writeUInt32LE(compressed.length, at + 14);
      header.writeUInt32LE(data.length, at + 18);
      header.writeUInt16LE(fileName.length, at + 22);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    fields(local, 4);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    fields(central, 6);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, compressed);
    directory.push(central, fileName);
    offset += local.length + fileName.length + compressed.length;
  }
  const directoryBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  if (options.zip64 !== true) {
    end.writeUInt16LE(entries.length, 8);
    end.writeUInt16LE(entries.length, 10);
    end.writeUInt32LE(directoryBytes.length, 12);
    end.writeUInt32LE(offset, 16);
    await writeFile(path, Buffer.concat([...locals, directoryBytes, end]));
    return;
  }
  // The classic end record says "see the zip64 record"; the zip64 record and its locator come before it.
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(entries.length), 24);
  record.writeBigUInt64LE(BigInt(entries.length), 32);
  record.writeBigUInt64LE(BigInt(directoryBytes.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + directoryBytes.length), 8);
  locator.writeUInt32LE(1, 16);
  await writeFile(path, Buffer.concat([...locals, directoryBytes, record, locator, end]));
}
