/** From and to days (WeChat's, Asia/Shanghai) and a Show button: the summary's and reconciliation's form. */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';

export function DateRangeForm({
  from: initialFrom,
  to: initialTo,
  onApply,
}: {
  from: string;
  to: string;
  onApply: (from: string, to: string) => void;
}) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(initialFrom);
  const [to, setTo] = useState(initialTo);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(from, to);
  };
  return (
    <form className="ho-filters" onSubmit={submit}>
      <label>
        {t('headOffice.common.from')}
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label>
        {t('headOffice.common.to')}
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <button type="submit" className="ho-primary">
        {t('headOffice.common.apply')}
      </button>
    </form>
  );
}
