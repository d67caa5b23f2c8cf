import { useTranslation } from 'react-i18next';
import { useTerminal } from '../../shell/terminal-context';

/** What the IT person asks for on the phone: version, terminal, mode, where the data is. */
export function AboutScreen() {
  const { t } = useTranslation();
  const { info, config } = useTerminal();
  // The terminal's id from its config, which the wizard updates (the start-up info would still
  // say UNCONFIGURED until a reload). Names and ids are the merchant's: not translated.
  const rows: [string, string][] = [
    [t('ui.about.version'), info.version],
    [t('ui.about.terminal'), `${config.terminalName} (${config.terminalId})`],
    [t('ui.about.store'), config.storeName],
    [t('ui.about.mode'), t(`ui.about.modes.${info.mode}`)],
    [t('ui.about.host'), t(`ui.about.hosts.${info.host}`)],
    [t('ui.about.dataDir'), info.dataDir],
    [t('ui.about.logs'), `${info.dataDir}/logs`],
  ];
  return (
    <section className="panel about" data-testid="about">
      <h1>{t('ui.about.title')}</h1>
      <dl className="verdict-details">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt>{k}</dt>
            <dd
              className={k === t('ui.about.dataDir') || k === t('ui.about.logs') ? 'mono' : ''}
              data-merchant={
                [t('ui.about.version'), t('ui.about.terminal'), t('ui.about.store')].includes(k)
                  ? ''
                  : undefined
              }
            >
              {v}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
