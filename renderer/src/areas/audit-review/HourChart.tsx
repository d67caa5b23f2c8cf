/**
 * The summary's chart: the four kinds stacked by hour. Its own module, loaded when a summary is
 * first shown, so the charting library stays out of the counter's start-up bundle.
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { REVIEW_KINDS, type ReviewKind } from '../../../../shared/ops/audit-review';
import { KIND_COLOURS } from './kind-colours';

export default function HourChart({
  data,
  names,
}: {
  /** One entry per hour: its label and the count of each kind. */
  data: ({ label: string } & Record<ReviewKind, number>)[];
  /** The kinds' names in the operator's language. */
  names: Record<ReviewKind, string>;
}) {
  return (
    <ResponsiveContainer width="100%" height={280}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#334155" vertical={false} />
        <XAxis
          dataKey="label"
          stroke="#94a3b8"
          tick={{ fontSize: 13 }}
          interval="preserveStartEnd"
          minTickGap={12}
        />
        <YAxis stroke="#94a3b8" allowDecimals={false} tick={{ fontSize: 13 }} width={48} />
        <Tooltip
          cursor={{ fill: 'rgb(148 163 184 / 15%)' }}
          contentStyle={{ background: '#0f172a', border: '1px solid #475569' }}
          labelStyle={{ color: '#f1f5f9' }}
        />
        <Legend wrapperStyle={{ fontSize: 15 }} itemSorter={null} />
        {REVIEW_KINDS.map((k) => (
          <Bar
            key={k}
            dataKey={k}
            name={names[k]}
            stackId="kinds"
            fill={KIND_COLOURS[k]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
