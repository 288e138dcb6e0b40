/**
 * A report's files (workbook, CSV bundle, JSON) and, once published, the sha256 of each as recorded in the audit log.
 * Shared by the public transparency page and the admin's report screen; no chart code, so the admin chunk stays small.
 */
import { useTranslation } from 'react-i18next';
import type { FileHashes, Links } from './types.ts';

export function ReportDownloads({ links, fileHashes }: { links: Links; fileHashes: FileHashes | null }) {
  const { t } = useTranslation();
  const files = ['xlsx', 'zip', 'json'] as const;
  return (
    <>
      <ul className="downloads">
        {files.map((format) => (
          <li key={format}>
            <a href={links[format]} download>
              {t(`transparency.format.${format}`)}
            </a>
          </li>
        ))}
      </ul>
      {fileHashes && (
        <details>
          <summary>{t('transparency.hashes')}</summary>
          <dl className="hashes">
            {[...files.map((f) => [f, fileHashes[f]] as const), ...Object.entries(fileHashes.csv).map(([sheet, hash]) => [`${sheet}.csv`, hash] as const)].map(
              ([file, hash]) => (
                <div key={file}>
                  <dt>{file}</dt>
                  <dd className="mono">{hash}</dd>
                </div>
              ),
            )}
          </dl>
        </details>
      )}
    </>
  );
}
